package component

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/plugwit/plugwit/component/internal/binary"
	"github.com/plugwit/plugwit/component/internal/types"
	"github.com/plugwit/plugwit/wit"
)

// componentTypeSection is the name (or, with a `:suffix`, the prefix of the
// name) of the custom section in which wit-component's tools (`wasm-tools
// component embed`, wit-bindgen's object files) record a core module's
// world.
const componentTypeSection = "component-type"

// sectionWorld is the world a component-type section encodes.
type sectionWorld struct {
	section string // the custom section's name
	name    string // the world's qualified name: `ns:pkg/world`
	checked *types.Component
	world   *types.ComponentType
}

// decodeComponentTypeSections finds and decodes the module's
// component-type custom sections.
func decodeComponentTypeSections(m *binary.CoreModule) (*sectionWorld, error) {
	var found *sectionWorld
	var first []byte
	for _, h := range m.Sections {
		if h.ID != binary.CoreSectionCustom || (h.Name != componentTypeSection && !strings.HasPrefix(h.Name, componentTypeSection+":")) {
			continue
		}
		data, ok := customSectionData(m.Raw, h)
		if !ok {
			return nil, fmt.Errorf("custom section %q at offset %#x: malformed", h.Name, h.Offset)
		}
		if found != nil {
			if bytes.Equal(data, first) {
				continue // the same world, linked in twice
			}
			return nil, fmt.Errorf("custom sections %q and %q: several different worlds in one core module: %w (merge them into one world, or give the world with WithWorld)",
				found.section, h.Name, types.ErrNotSupported)
		}
		ws, err := decodeWorldSection(data)
		if err != nil {
			return nil, fmt.Errorf("custom section %q at offset %#x: %w", h.Name, h.Offset, err)
		}
		ws.section = h.Name
		found, first = ws, data
	}
	if found == nil {
		return nil, fmt.Errorf("a core module needs its world to run as a plugin: it has no %q custom section (embed one with `wasm-tools component embed WIT module.wasm`) and no world was given (component.WithWorld)", componentTypeSection)
	}
	return found, nil
}

// customSectionData returns the contents of a custom section after its
// name.
func customSectionData(raw []byte, h binary.CoreSectionHeader) ([]byte, bool) {
	start, end := h.PayloadOffset, h.PayloadOffset+uint64(h.Size)
	if end > uint64(len(raw)) || start > end {
		return nil, false
	}
	b := raw[start:end]
	var n uint64
	i := 0
	for shift := uint(0); ; shift += 7 {
		if i >= len(b) || shift > 28 {
			return nil, false
		}
		c := b[i]
		i++
		n |= uint64(c&0x7f) << shift
		if c&0x80 == 0 {
			break
		}
	}
	if uint64(i)+n > uint64(len(b)) {
		return nil, false
	}
	return b[uint64(i)+n:], true
}

// decodeWorldSection decodes the contents of a component-type section: a
// component that exports one component type whose only export is the world
// `ns:pkg/world` (the form wit-component writes), and checks it.
func decodeWorldSection(data []byte) (*sectionWorld, error) {
	bin, err := binary.Decode(data)
	if err != nil {
		return nil, err
	}
	checked, err := types.Check(bin)
	if err != nil {
		return nil, err
	}
	for _, e := range checked.Exports.All() {
		if e.Sort != binary.SortType || e.Component == nil {
			continue
		}
		for name, w := range e.Component.Exports.All() {
			if w.Sort == binary.SortComponent && w.Component != nil {
				if !isInterfaceName(name) {
					return nil, fmt.Errorf("world name %q is not of the form ns:pkg/world", name)
				}
				return &sectionWorld{name: name, checked: checked, world: w.Component}, nil
			}
		}
	}
	return nil, fmt.Errorf("no world in it: want a component exporting the type of a package with a world (as `wasm-tools component embed` writes)")
}

// worldComponentType gives a WIT world the component type of its
// imports and exports, with the types of r.
func worldComponentType(r *wit.Resolve, w wit.WorldID) (*types.ComponentType, error) {
	wd := r.Worlds[w]
	ct := &types.ComponentType{}
	seen := map[wit.TypeID]string{}
	item := func(key wit.WorldKey, it wit.WorldItem, export bool) (string, types.Extern, error) {
		name := r.WorldKeyName(key)
		switch it := it.(type) {
		case *wit.Function:
			return name, types.Extern{Sort: binary.SortFunc, Func: funcTypeOf(it)}, nil
		case *wit.WorldType:
			return name, types.Extern{Sort: binary.SortType, Type: it.ID}, nil
		case *wit.WorldInterface:
			if int(it.ID) < 0 || int(it.ID) >= len(r.Interfaces) {
				return "", types.Extern{}, fmt.Errorf("%s: unknown interface %d", name, it.ID)
			}
			iface := r.Interfaces[it.ID]
			inst := &types.InstanceType{}
			for tn, id := range iface.Types.All() {
				inst.Exports.Set(tn, types.Extern{Sort: binary.SortType, Type: id})
				if export && r.Types[id].Kind != nil {
					if _, ok := r.Types[id].Kind.(*wit.Resource); ok {
						if prev, dup := seen[id]; dup {
							return "", types.Extern{}, fmt.Errorf("resource %s is both imported (%s) and exported (%s): %w", tn, prev, name, types.ErrNotSupported)
						}
					}
				} else if !export {
					seen[id] = name
				}
			}
			for fn, f := range iface.Functions.All() {
				inst.Exports.Set(fn, types.Extern{Sort: binary.SortFunc, Func: funcTypeOf(f)})
			}
			return name, types.Extern{Sort: binary.SortInstance, Instance: inst}, nil
		}
		return "", types.Extern{}, fmt.Errorf("%s: unexpected world item %T", name, it)
	}
	for k, it := range wd.Imports.All() {
		name, e, err := item(k, it, false)
		if err != nil {
			return nil, err
		}
		ct.Imports.Set(name, e)
	}
	for k, it := range wd.Exports.All() {
		name, e, err := item(k, it, true)
		if err != nil {
			return nil, err
		}
		ct.Exports.Set(name, e)
	}
	return ct, nil
}

func funcTypeOf(f *wit.Function) *types.FuncType {
	ft := &types.FuncType{Result: f.Result}
	switch f.Kind {
	case wit.AsyncFreestanding, wit.AsyncMethod, wit.AsyncStatic:
		ft.Async = true
	}
	for _, p := range f.Params {
		ft.Params = append(ft.Params, types.Param{Name: p.Name, Type: p.Type})
	}
	return ft
}

// decodeWIT is World for a core module whose world came from its
// component-type section: what `wasm-tools component wit` prints for such a
// module — package `root:root` with world `root` holding the world's
// imports and exports, and the packages the world uses, its own among them
// with the world under its own name.
func (ws *sectionWorld) decodeWIT(c *Compiled) (*wit.Resolve, wit.WorldID, error) {
	d := &worldDecoder{c: c, src: ws.checked.Types, out: wit.NewResolve(), typeMap: map[wit.TypeID]wit.TypeID{},
		aliasMap: map[uint32]wit.TypeID{}, names: ws.checked.Names,
		resources: map[any]map[string]wit.TypeID{}, named: map[string]wit.InterfaceID{},
		ifacePkg: map[wit.InterfaceID]int{}, externNames: map[string]binary.ExternName{}}
	world := wit.WorldID(0)
	d.out.Worlds = append(d.out.Worlds, &wit.World{Name: "root"})
	root := &wit.Package{Name: wit.PackageName{Namespace: "root", Name: "root"}}
	root.Worlds.Set("root", world)
	d.root = root
	err := d.guard(func() {
		for name, e := range ws.world.Imports.All() {
			d.importItem(world, name, e)
		}
		for name, e := range ws.world.Exports.All() {
			d.exportItem(world, name, e)
		}
		// The world under its own name, in its own package.
		pkgName, wname := splitInterfaceName(ws.name)
		var pkg *wit.Package
		for _, p := range d.foreign {
			if p.Name.String() == pkgName.String() {
				pkg = p
			}
		}
		if pkg == nil {
			pkg = &wit.Package{Name: pkgName}
			d.foreign = append(d.foreign, pkg)
		}
		rw := d.out.Worlds[world]
		own := &wit.World{Name: wname}
		for k, it := range rw.Imports.All() {
			own.Imports.Set(k, it)
		}
		for k, it := range rw.Exports.All() {
			own.Exports.Set(k, it)
		}
		id := wit.WorldID(len(d.out.Worlds))
		d.out.Worlds = append(d.out.Worlds, own)
		pkg.Worlds.Set(wname, id)
		d.finish()
	})
	if err != nil {
		return nil, 0, fmt.Errorf("%s: world: %w", c.name, err)
	}
	return d.out, world, nil
}

// guard runs body, turning the decoder's failures into an error.
func (d *worldDecoder) guard(body func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			de, ok := r.(*decodeError)
			if !ok {
				panic(r)
			}
			err = fmt.Errorf("%s", de.msg)
		}
	}()
	body()
	return nil
}

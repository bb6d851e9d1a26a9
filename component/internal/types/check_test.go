package types

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/plugwit/plugwit/component/internal/binary"
	"github.com/plugwit/plugwit/wit"
)

func checkFile(t *testing.T, path string) (*Component, error) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := binary.Decode(b)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return Check(c)
}

func mustCheck(t *testing.T, name string) *Component {
	t.Helper()
	c, err := checkFile(t, filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestDecoderFixtures type-checks the decoder's fixtures: all are valid
// components, some use features plugwit does not run yet.
func TestDecoderFixtures(t *testing.T) {
	want := map[string]string{
		"async.wasm":  "",
		"canon.wasm":  "",
		"types.wasm":  "",
		"nested.wasm": "not supported yet: component-model values",
		"shared.wasm": "not supported yet: canonical option gc",
	}
	for name, msg := range want {
		t.Run(name, func(t *testing.T) {
			_, err := checkFile(t, filepath.Join("..", "binary", "testdata", name))
			switch {
			case msg == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case msg != "" && (err == nil || !strings.Contains(err.Error(), msg)):
				t.Fatalf("error = %v, want one containing %q", err, msg)
			case msg != "" && !errors.Is(err, ErrNotSupported):
				t.Fatalf("error = %v, want one wrapping ErrNotSupported", err)
			}
		})
	}
}

var wantError = regexp.MustCompile(`(?m)^;; error: (.*)$`)

// TestFixtures checks every fixture of testdata: those whose .wat says
// `;; error: …` must fail with that message, located in the binary; the
// others must pass.
func TestFixtures(t *testing.T) {
	wats, err := filepath.Glob(filepath.Join("testdata", "*.wat"))
	if err != nil || len(wats) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, wat := range wats {
		name := strings.TrimSuffix(filepath.Base(wat), ".wat")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(wat)
			if err != nil {
				t.Fatal(err)
			}
			bin, err := os.ReadFile(strings.TrimSuffix(wat, ".wat") + ".wasm")
			if err != nil {
				t.Fatalf("%v (run scripts/build-fixtures.sh)", err)
			}
			c, err := binary.Decode(bin)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Check(c)
			m := wantError.FindSubmatch(src)
			if m == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("checked, want an error containing %q", m[1])
			}
			if !strings.Contains(err.Error(), string(m[1])) {
				t.Fatalf("error = %v\nwant one containing %q", err, m[1])
			}
			var e *Error
			if !errors.As(err, &e) || e.Offset == 0 || e.Offset >= uint64(len(bin)) {
				t.Fatalf("error %v is not located within the %d bytes", err, len(bin))
			}
			if !strings.HasPrefix(err.Error(), "validate component: at offset 0x") {
				t.Fatalf("error %q lacks the location prefix", err)
			}
		})
	}
}

func export(t *testing.T, exports *wit.OrderedMap[string, Extern], name string) Extern {
	t.Helper()
	e, ok := exports.Get(name)
	if !ok {
		t.Fatalf("no export %q", name)
	}
	return e
}

func ownResource(t *testing.T, c *Component, ty wit.Type) wit.TypeID {
	t.Helper()
	id, ok := ty.(wit.TypeID)
	if !ok {
		t.Fatalf("%v is not a handle", ty)
	}
	own, ok := c.Types.Types[id].Kind.(*wit.Own)
	if !ok {
		t.Fatalf("type %d is a %T, want an own handle", id, c.Types.Types[id].Kind)
	}
	return own.Resource
}

// TestResourcesPerInstantiation checks resource substitution across
// instantiations (resources.wat): each instantiation of a component makes
// fresh resource types, and instantiating with a resource argument puts it
// in the instance's types.
func TestResourcesPerInstantiation(t *testing.T) {
	c := mustCheck(t, "resources.wasm")
	if len(c.Instances) < 3 {
		t.Fatalf("%d instances", len(c.Instances))
	}
	a, b, d := c.Instances[0], c.Instances[1], c.Instances[2]
	ar, br := export(t, &a.Exports, "r"), export(t, &b.Exports, "r")
	if !isResourceIn(c, ar.Type) || !isResourceIn(c, br.Type) {
		t.Fatalf("exports r are %v and %v, want resources", ar.Type, br.Type)
	}
	if ar.Type == br.Type {
		t.Fatalf("both instantiations export resource %v", ar.Type)
	}
	// Each instance's functions use that instance's resource.
	if got := ownResource(t, c, export(t, &a.Exports, "consume").Func.Params[0].Type); got != ar.Type {
		t.Errorf("a.consume takes own<%v>, want own<%v>", got, ar.Type)
	}
	if got := ownResource(t, c, export(t, &b.Exports, "make").Func.Result); got != br.Type {
		t.Errorf("b.make returns own<%v>, want own<%v>", got, br.Type)
	}
	// $D was instantiated with a's resource: its re-export is in terms of it.
	if got := ownResource(t, c, export(t, &d.Exports, "consume-again").Func.Params[0].Type); got != ar.Type {
		t.Errorf("d.consume-again takes own<%v>, want a's own<%v>", got, ar.Type)
	}
	// The nested definition's own resource is a third one, and only $C's
	// body defines it.
	nested := c.Nested[0]
	if nested == nil || len(nested.Type.Defined) != 1 {
		t.Fatalf("nested component $C: %+v", nested)
	}
	def := nested.Type.Defined[0]
	if def == ar.Type || def == br.Type {
		t.Errorf("the definition's resource %v leaked into an instance", def)
	}
	if info := c.Resources[def]; info == nil || info.Component != nested {
		t.Errorf("Resources[%v] = %+v, want one defined by $C", def, info)
	}
	// The outer component defines (through instantiation) both resources.
	if got := c.Type.Defined; len(got) != 2 {
		t.Errorf("outer component defines %v, want a's and b's resources", got)
	}
}

func isResourceIn(c *Component, t wit.Type) bool {
	id, ok := t.(wit.TypeID)
	if !ok {
		return false
	}
	_, is := c.Types.Types[id].Kind.(*wit.Resource)
	return is
}

// TestInstanceImports checks that two imports of one instance type get
// distinct resources (instance-imports.wat).
func TestInstanceImports(t *testing.T) {
	c := mustCheck(t, "instance-imports.wasm")
	x, y := export(t, &c.Imports, "x"), export(t, &c.Imports, "y")
	xr, yr := export(t, &x.Instance.Exports, "r"), export(t, &y.Instance.Exports, "r")
	if xr.Type == yr.Type || !isResourceIn(c, xr.Type) || !isResourceIn(c, yr.Type) {
		t.Fatalf("x.r = %v, y.r = %v: want two resources", xr.Type, yr.Type)
	}
	if got := ownResource(t, c, export(t, &x.Instance.Exports, "make").Func.Result); got != xr.Type {
		t.Errorf("x.make returns own<%v>, want own<%v>", got, xr.Type)
	}
	if len(x.Instance.Abstract) != 0 {
		t.Errorf("an imported instance keeps abstract resources %v", x.Instance.Abstract)
	}
	want := []wit.TypeID{xr.Type.(wit.TypeID), yr.Type.(wit.TypeID)}
	if got := c.Type.Imported; len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("imported resources %v, want %v", got, want)
	}
	if n := c.Types.Types[xr.Type.(wit.TypeID)].Name; n != "r" {
		t.Errorf("resource name %q, want r", n)
	}
}

// TestWasiLikePlan checks the definitions of the shape wit-component emits
// (wasi-like.wat), which the runtime replays.
func TestWasiLikePlan(t *testing.T) {
	c := mustCheck(t, "wasi-like.wasm")
	var kinds []string
	for _, d := range c.Defs {
		kinds = append(kinds, strings.TrimPrefix(fmt.Sprintf("%T", d), "*types."))
	}
	want := "StaticDef ImportDef AliasDef AliasDef CoreModuleDef CoreInstanceDef AliasDef AliasDef LowerDef ResourceDropDef " +
		"CoreInstanceDef CoreModuleDef CoreInstanceDef CoreInstanceDef AliasDef AliasDef StaticDef LiftDef ExportDef"
	if got := strings.Join(kinds, " "); got != want {
		t.Fatalf("defs:\n got %s\nwant %s", got, want)
	}
	var lower *LowerDef
	var lift *LiftDef
	var drop *ResourceDropDef
	for _, d := range c.Defs {
		switch d := d.(type) {
		case *LowerDef:
			lower = d
		case *LiftDef:
			lift = d
		case *ResourceDropDef:
			drop = d
		}
	}
	if lower.Options.Memory == nil || lower.Options.Realloc == nil {
		t.Errorf("lower options %+v, want memory and realloc", lower.Options)
	}
	// write(self: borrow, contents: list<u8>) -> result<_, string>: three
	// i32 parameters and a return pointer.
	if got := coreSig(lower.Sig).String(); got != "(func (param i32 i32 i32 i32))" || !lower.Sig.IndirectResults {
		t.Errorf("lowered signature %s (indirect results %v)", got, lower.Sig.IndirectResults)
	}
	if lift.Options.PostReturn == nil || lift.Options.Encoding != UTF8 {
		t.Errorf("lift options %+v, want a post-return and utf8", lift.Options)
	}
	if got := coreSig(lift.Sig).String(); got != "(func (param i32 i32) (result i32))" {
		t.Errorf("lifted signature %s", got)
	}
	streams := export(t, &c.Imports, "wasi:io/streams@0.2.0")
	os := export(t, &streams.Instance.Exports, "output-stream")
	if drop.Resource != os.Type {
		t.Errorf("resource.drop of %v, want the imported output-stream %v", drop.Resource, os.Type)
	}
	if got := c.Type.Imported; len(got) != 1 || got[0] != os.Type {
		t.Errorf("imported resources %v, want [%v]", got, os.Type)
	}
	// realloc, write (lowered), drop, greet, post; write, greet (lifted), the
	// export of greet.
	if len(c.CoreFuncs) != 5 || len(c.Funcs) != 3 {
		t.Errorf("%d core funcs and %d funcs", len(c.CoreFuncs), len(c.Funcs))
	}
}

// TestOuterAliases checks outer aliases of types, core modules and
// components (outer-alias.wat).
func TestOuterAliases(t *testing.T) {
	c := mustCheck(t, "outer-alias.wasm")
	if len(c.Nested) != 2 || c.Nested[0] == nil || c.Nested[1] == nil {
		t.Fatalf("nested %v", c.Nested)
	}
	inner, wrapper := c.Nested[0], c.Nested[1]
	if len(inner.CoreModules) != 1 || inner.CoreModules[0] != c.CoreModules[0] {
		t.Errorf("inner's core module is not the outer one")
	}
	if len(wrapper.Nested) != 1 || wrapper.Nested[0] != inner {
		t.Errorf("wrapper's component is %v, want the outer $inner definition", wrapper.Nested)
	}
	if wrapper.Parent != c || inner.Parent != c {
		t.Errorf("parents not set")
	}
	// The aliased record is the outer one.
	if inner.TypeSpace[0].Type != c.TypeSpace[0].Type {
		t.Errorf("inner type 0 is %v, outer type 0 is %v", inner.TypeSpace[0].Type, c.TypeSpace[0].Type)
	}
}

// TestAscription checks that an export with a type ascription takes the
// ascribed type (ascription.wat).
func TestAscription(t *testing.T) {
	c := mustCheck(t, "ascription.wasm")
	inst := export(t, &c.Exports, "inst")
	if inst.Instance.Exports.Len() != 1 || !inst.Instance.Exports.Has("g") {
		t.Errorf("exported instance type has %v, want only g", inst.Instance.Exports.Keys())
	}
}

// TestErrorLocation checks the error format and that a nested component's
// error is located within it.
func TestErrorLocation(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "bad-outer-resource.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := binary.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Check(c)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not an *Error", err)
	}
	nested := c.Components()[0]
	if e.Offset < nested.Offset || e.Offset >= nested.Offset+nested.Size {
		t.Errorf("error at %#x, outside the nested component [%#x, %#x)", e.Offset, nested.Offset, nested.Offset+nested.Size)
	}
	if errors.Is(err, ErrNotSupported) {
		t.Errorf("a type error wraps ErrNotSupported")
	}
}

// TestTypeSize checks that types whose effective size explodes are
// rejected quickly rather than expanded.
func TestTypeSize(t *testing.T) {
	// (type (record (field "f0" 0) … (field "f9" 0))) ten times over.
	var types [][]byte
	types = append(types, []byte{0x6e, 0x01, 0x01, 'x'}) // (flags "x")
	for i := 1; i < 8; i++ {
		rec := []byte{0x72, 10}
		for f := 0; f < 10; f++ {
			rec = append(rec, 0x02, 'f', byte('0'+f), byte(i-1))
		}
		types = append(types, rec)
	}
	var sec []byte
	sec = append(sec, byte(len(types)))
	for _, ty := range types {
		sec = append(sec, ty...)
	}
	b := append([]byte("\x00asm\x0d\x00\x01\x00"), 0x07)
	b = append(b, uleb(len(sec))...)
	b = append(b, sec...)
	c, err := binary.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Check(c)
	if err == nil || !strings.Contains(err.Error(), "effective type size exceeds the limit") {
		t.Fatalf("error = %v, want the type size limit", err)
	}
}

func uleb(n int) []byte {
	var out []byte
	for {
		b := byte(n & 0x7f)
		n >>= 7
		if n == 0 {
			return append(out, b)
		}
		out = append(out, b|0x80)
	}
}

package binary

import (
	"bufio"
	"bytes"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"testing"
)

// objdumpLine is one section line of `wasm-tools objdump`: the section's
// name, the range of its contents and its entry count.
type objdumpLine struct {
	Name       string
	Start, End uint64
	Count      uint64
}

func (l objdumpLine) String() string {
	return fmt.Sprintf("%-24s %#x-%#x count %d", l.Name, l.Start, l.End, l.Count)
}

var objdumpRE = regexp.MustCompile(`^\s*(.*?)\s*\|\s*0x([0-9a-f]+) -\s*0x([0-9a-f]+) \|\s*\d+ bytes \|\s*(\d+) count$`)

// parseObjdump extracts the section lines of `wasm-tools objdump` output.
func parseObjdump(t *testing.T, out []byte) []objdumpLine {
	var lines []objdumpLine
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		m := objdumpRE.FindStringSubmatch(sc.Text())
		if m == nil {
			continue // "------ start module 0 ------" and the like
		}
		start, _ := strconv.ParseUint(m[2], 16, 64)
		end, _ := strconv.ParseUint(m[3], 16, 64)
		count, _ := strconv.ParseUint(m[4], 10, 64)
		lines = append(lines, objdumpLine{Name: m[1], Start: start, End: end, Count: count})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

var objdumpNames = map[SectionID]string{
	SectionCoreModule:   "module",
	SectionCoreInstance: "core instances",
	SectionCoreType:     "core types",
	SectionComponent:    "component",
	SectionInstance:     "component instances",
	SectionAlias:        "component alias",
	SectionType:         "component types",
	SectionCanon:        "canonical functions",
	SectionStart:        "component start",
	SectionImport:       "component imports",
	SectionExport:       "component exports",
}

var objdumpCoreNames = map[CoreSectionID]string{
	CoreSectionType: "types", CoreSectionImport: "imports", CoreSectionFunction: "functions",
	CoreSectionTable: "tables", CoreSectionMemory: "memories", CoreSectionGlobal: "globals",
	CoreSectionExport: "exports", CoreSectionStart: "start", CoreSectionElement: "elements",
	CoreSectionCode: "code", CoreSectionData: "data", CoreSectionDataCount: "data count",
	CoreSectionTag: "tags",
}

// layoutOf lists c's sections, recursively, as objdump does.
func layoutOf(t *testing.T, b []byte, c *Component) []objdumpLine {
	var lines []objdumpLine
	for _, s := range c.Sections {
		h := s.Header()
		l := objdumpLine{Name: objdumpNames[h.ID], Start: h.PayloadOffset, End: h.PayloadOffset + uint64(h.Size), Count: 1}
		switch s := s.(type) {
		case *CustomSection:
			l.Name, l.Start = fmt.Sprintf("custom %q", s.Name), s.DataOffset
		case *CoreInstanceSection:
			l.Count = uint64(len(s.Instances))
		case *CoreTypeSection:
			l.Count = uint64(len(s.Types))
		case *InstanceSection:
			l.Count = uint64(len(s.Instances))
		case *AliasSection:
			l.Count = uint64(len(s.Aliases))
		case *TypeSection:
			l.Count = uint64(len(s.Types))
		case *CanonSection:
			l.Count = uint64(len(s.Funcs))
		case *ImportSection:
			l.Count = uint64(len(s.Imports))
		case *ExportSection:
			l.Count = uint64(len(s.Exports))
		}
		lines = append(lines, l)
		switch s := s.(type) {
		case *CoreModuleSection:
			lines = append(lines, coreLayoutOf(t, b, s.Module)...)
		case *ComponentSection:
			lines = append(lines, layoutOf(t, b, s.Component)...)
		}
	}
	return lines
}

// coreLayoutOf lists m's sections as objdump does. The counts of vector
// sections are read from the section contents, which the decoder leaves
// undecoded for most of them.
func coreLayoutOf(t *testing.T, b []byte, m *CoreModule) []objdumpLine {
	var lines []objdumpLine
	for _, h := range m.Sections {
		l := objdumpLine{Name: objdumpCoreNames[h.ID], Start: h.PayloadOffset, End: h.PayloadOffset + uint64(h.Size), Count: 1}
		r := &reader{buf: b, pos: int(h.PayloadOffset), end: int(l.End)}
		switch h.ID {
		case CoreSectionCustom:
			if _, err := r.name("name"); err != nil {
				t.Fatal(err)
			}
			l.Name, l.Start = fmt.Sprintf("custom %q", h.Name), uint64(r.pos)
		case CoreSectionStart, CoreSectionDataCount:
		default:
			n, err := r.u32("count")
			if err != nil {
				t.Fatal(err)
			}
			l.Count = uint64(n)
		}
		lines = append(lines, l)
	}
	return lines
}

// TestObjdump cross-checks the decoded layout of every fixture (each
// section's kind, contents range and entry count, nested modules and
// components included) against `wasm-tools objdump`.
func TestObjdump(t *testing.T) {
	tool, err := exec.LookPath("wasm-tools")
	if err != nil {
		t.Skipf("skipping the wasm-tools cross-check: wasm-tools is not on PATH (%v)", err)
	}
	all := fixtures(t)
	names := make([]string, 0, len(all))
	for name := range all {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		b := all[name]
		out, err := exec.Command(tool, "objdump", "--color", "never", filepath.Join("testdata", name)).Output()
		if err != nil {
			t.Fatalf("wasm-tools objdump %s: %v", name, err)
		}
		want := parseObjdump(t, out)
		var got []objdumpLine
		if c, err := Decode(b); err == nil {
			got = layoutOf(t, b, c)
		} else if m, err := DecodeCoreModule(b); err == nil {
			got = coreLayoutOf(t, b, m)
		} else {
			t.Fatalf("%s: %v", name, err)
		}
		if len(got) != len(want) {
			t.Errorf("%s: %d sections, objdump lists %d", name, len(got), len(want))
		}
		for i := 0; i < len(got) && i < len(want); i++ {
			if got[i] != want[i] {
				t.Errorf("%s: section line %d:\n got %v\nwant %v", name, i, got[i], want[i])
			}
		}
		if !t.Failed() {
			t.Logf("%s: %d section lines match wasm-tools objdump", name, len(got))
		}
	}
}

package wit

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is a semantic version (semver.org 2.0.0) as used in package names
// and feature gates.
type Version struct {
	Major, Minor, Patch uint64
	Pre                 string // pre-release, without the leading '-'
	Build               string // build metadata, without the leading '+'
}

// ParseVersion parses a semver string such as `1.2.3-rc.1+build.5`.
func ParseVersion(s string) (*Version, error) {
	v := &Version{}
	rest := s
	if i := strings.IndexByte(rest, '+'); i >= 0 {
		v.Build = rest[i+1:]
		rest = rest[:i]
		if err := checkIdents(v.Build, false); err != nil {
			return nil, fmt.Errorf("invalid version %q: build metadata: %v", s, err)
		}
	}
	if i := strings.IndexByte(rest, '-'); i >= 0 {
		v.Pre = rest[i+1:]
		rest = rest[:i]
		if err := checkIdents(v.Pre, true); err != nil {
			return nil, fmt.Errorf("invalid version %q: pre-release: %v", s, err)
		}
	}
	parts := strings.Split(rest, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("invalid version %q: expected major.minor.patch", s)
	}
	nums := [3]*uint64{&v.Major, &v.Minor, &v.Patch}
	for i, p := range parts {
		if p == "" {
			return nil, fmt.Errorf("invalid version %q: empty number", s)
		}
		if len(p) > 1 && p[0] == '0' {
			return nil, fmt.Errorf("invalid version %q: leading zero in %q", s, p)
		}
		n, err := strconv.ParseUint(p, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("invalid version %q: %q is not a number", s, p)
		}
		*nums[i] = n
	}
	return v, nil
}

func checkIdents(s string, pre bool) error {
	if s == "" {
		return fmt.Errorf("empty")
	}
	for _, id := range strings.Split(s, ".") {
		if id == "" {
			return fmt.Errorf("empty identifier")
		}
		numeric := true
		for i := 0; i < len(id); i++ {
			c := id[i]
			switch {
			case c >= '0' && c <= '9':
			case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '-':
				numeric = false
			default:
				return fmt.Errorf("invalid character %q", c)
			}
		}
		if pre && numeric && len(id) > 1 && id[0] == '0' {
			return fmt.Errorf("leading zero in %q", id)
		}
	}
	return nil
}

// String formats the version in canonical semver form.
func (v *Version) String() string {
	s := strconv.FormatUint(v.Major, 10) + "." + strconv.FormatUint(v.Minor, 10) + "." + strconv.FormatUint(v.Patch, 10)
	if v.Pre != "" {
		s += "-" + v.Pre
	}
	if v.Build != "" {
		s += "+" + v.Build
	}
	return s
}

// Equal reports whether two versions are the same, build metadata included.
func (v *Version) Equal(o *Version) bool {
	if v == nil || o == nil {
		return v == o
	}
	return *v == *o
}

// Compare orders versions by semver precedence (build metadata ignored):
// -1, 0 or +1.
func (v *Version) Compare(o *Version) int {
	for _, p := range [][2]uint64{{v.Major, o.Major}, {v.Minor, o.Minor}, {v.Patch, o.Patch}} {
		if p[0] != p[1] {
			if p[0] < p[1] {
				return -1
			}
			return 1
		}
	}
	switch {
	case v.Pre == o.Pre:
		return 0
	case v.Pre == "":
		return 1
	case o.Pre == "":
		return -1
	}
	a, b := strings.Split(v.Pre, "."), strings.Split(o.Pre, ".")
	for i := 0; i < len(a) && i < len(b); i++ {
		if c := comparePreIdent(a[i], b[i]); c != 0 {
			return c
		}
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}

func comparePreIdent(a, b string) int {
	na, ea := strconv.ParseUint(a, 10, 64)
	nb, eb := strconv.ParseUint(b, 10, 64)
	switch {
	case ea == nil && eb == nil:
		if na < nb {
			return -1
		} else if na > nb {
			return 1
		}
		return 0
	case ea == nil:
		return -1
	case eb == nil:
		return 1
	}
	return strings.Compare(a, b)
}

// CompatTrack returns the semver-compatibility track of a version, the part
// that must match for two versions to be interchangeable: `1` for 1.2.3,
// `0.2` for 0.2.1, `0.0.3` for 0.0.3, and the whole version (without build
// metadata) for a pre-release.
func (v *Version) CompatTrack() string {
	switch {
	case v.Pre != "":
		return (&Version{Major: v.Major, Minor: v.Minor, Patch: v.Patch, Pre: v.Pre}).String()
	case v.Major != 0:
		return strconv.FormatUint(v.Major, 10)
	case v.Minor != 0:
		return "0." + strconv.FormatUint(v.Minor, 10)
	}
	return "0.0." + strconv.FormatUint(v.Patch, 10)
}

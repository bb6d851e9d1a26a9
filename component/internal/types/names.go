package types

import (
	"strings"

	"github.com/plugwit/plugwit/wit"
)

// isInterfaceName reports whether an import or export name is an interface
// name `ns:pkg/iface@version` rather than a plain name.
func isInterfaceName(name string) bool {
	return strings.Contains(name, ":") && !strings.Contains(name, "=")
}

// checkExternName validates an import or export name (Explainer.md,
// "Import and Export Definitions") and returns what is wrong, or "".
func checkExternName(name string) string {
	switch {
	case name == "":
		return "empty name"
	case strings.Contains(name, "="):
		// url=<…>, integrity=<…>, depname, locked-dep=<…> and friends:
		// accepted as given.
		return ""
	case isInterfaceName(name):
		return checkInterfaceName(name)
	}
	return checkPlainName(name)
}

// checkInterfaceName checks `ns:pkg/iface(/nested)*(@semver)?`.
func checkInterfaceName(name string) string {
	rest := name
	if i := strings.IndexByte(rest, '@'); i >= 0 {
		if _, err := wit.ParseVersion(rest[i+1:]); err != nil {
			return "invalid version: " + err.Error()
		}
		rest = rest[:i]
	}
	ns, path, ok := strings.Cut(rest, ":")
	if !ok || !isKebab(ns) {
		return "expected `namespace:package/interface`"
	}
	parts := strings.Split(path, "/")
	if len(parts) < 2 {
		return "expected `namespace:package/interface`"
	}
	for _, p := range parts {
		if !isKebab(p) {
			return "`" + p + "` is not in kebab case"
		}
	}
	return ""
}

// checkPlainName checks a label with optional annotations: `[constructor]r`,
// `[method]r.m`, `[static]r.f`, `[get]p`, `[set]p`, `[async]f` and their
// combinations.
func checkPlainName(name string) string {
	rest := name
	resource := false
	for strings.HasPrefix(rest, "[") {
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return "unterminated annotation"
		}
		switch rest[1:end] {
		case "method", "static":
			resource = true
		case "constructor", "get", "set", "async", "async method", "async static":
		default:
			return "unknown annotation `" + rest[:end+1] + "`"
		}
		rest = rest[end+1:]
	}
	if resource {
		r, m, ok := strings.Cut(rest, ".")
		if !ok || !isKebab(r) || !isKebab(m) {
			return "expected `resource.name` after the annotation"
		}
		return ""
	}
	if !isKebab(rest) {
		return "not in kebab case"
	}
	return ""
}

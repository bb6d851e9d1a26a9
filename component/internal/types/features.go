package types

import (
	"strings"
	"unicode"
)

// features selects the optional parts of the component model (and of core
// wasm, for embedded modules) the checker accepts, like wasmparser's
// WasmFeatures. Check enables everything plugwit type-checks; the
// conformance test narrows the set to what each test file enables, so that
// feature-gated rejections compare too.
type features uint64

const (
	featAsync features = 1 << iota
	featAsyncStackful
	featMoreAsyncBuiltins
	featThreading
	featErrorContext
	featFixedLists
	featGC
	featMap
	featImplements
	featCanonNames
	featForward
	featAccessors
	featNestedNames
	featValues
	featCM64
	// Core wasm features that matter to the component layer.
	featCoreSharedEverything
	featCoreExceptions
	featCoreCustomPageSizes
	featCoreThreads
	featCoreMemory64
	featCoreGC
	featCoreCustomDescriptors
)

// featureNames are the feature names of wasm-tools' `-f` flag.
var featureNames = map[string]features{
	"cm-async":                  featAsync,
	"cm-async-stackful":         featAsyncStackful,
	"cm-more-async-builtins":    featMoreAsyncBuiltins,
	"cm-threading":              featThreading,
	"cm-error-context":          featErrorContext,
	"cm-fixed-length-lists":     featFixedLists,
	"cm-gc":                     featGC,
	"cm-map":                    featMap,
	"cm-implements":             featImplements,
	"cm-canon-names":            featCanonNames,
	"cm-forward":                featForward,
	"cm-accessors":              featAccessors,
	"cm-nested-names":           featNestedNames,
	"cm-values":                 featValues,
	"cm64":                      featCM64,
	"shared-everything-threads": featCoreSharedEverything,
	"exceptions":                featCoreExceptions,
	"custom-page-sizes":         featCoreCustomPageSizes,
	"threads":                   featCoreThreads,
	"memory64":                  featCoreMemory64,
	"gc":                        featCoreGC,
	"custom-descriptors":        featCoreCustomDescriptors,
}

// defaultFeatures are wasmparser's defaults (wasm-tools without `-f`).
const defaultFeatures = featAsync | featMap | featImplements |
	featCoreExceptions | featCoreThreads | featCoreMemory64 | featCoreGC

// allFeatures is what Check accepts: every feature plugwit type-checks.
// Features it cannot run (values, the gc and 64-bit ABIs, …) still fail
// with ErrNotSupported.
const allFeatures = featCoreCustomDescriptors<<1 - 1

func (f features) has(x features) bool { return f&x != 0 }

// parseFeatures applies wasm-tools feature flags (`-f a,b`, `--features=-x`,
// `all`) to base. Unknown names are ignored.
func parseFeatures(base features, spec string) features {
	f := base
	for _, name := range strings.FieldsFunc(spec, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
		off := strings.HasPrefix(name, "-")
		name = strings.TrimPrefix(name, "-")
		var x features
		switch name {
		case "all":
			x = allFeatures
		case "default":
			x = defaultFeatures
		default:
			x = featureNames[name]
		}
		if off {
			f &^= x
		} else {
			f |= x
		}
	}
	return f
}

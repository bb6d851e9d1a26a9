package wasi

// errnoNetCode: Plan 9's errors are strings, not numbers; they map to
// `unknown`.
func errnoNetCode(err error) string { return "" }

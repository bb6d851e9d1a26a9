package types

// NewNames returns an empty Names, for components whose types were not
// made by the checker (core-module plugins with a world from WIT).
func NewNames() *Names { return newNames() }

// Package bench holds plugwit's benchmarks: component calls and
// instantiation against the same work done by hand on raw wazero (the
// floor), and later against peer runtimes. It is its own Go module so that
// peers never enter the core module's go.mod.
//
// Run scripts/bench.sh from the repository root; it records the figures
// that BENCHMARKS.md reports. `go test` here runs every workload once on
// every implementation and checks its result.
package bench

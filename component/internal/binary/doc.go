// Package binary decodes the WebAssembly Component Model binary format
// (design/mvp/Binary.md of WebAssembly/component-model) into a plain Go data
// model, one file per section like wazero's internal/wasm/binary.
//
// [Decode] turns the bytes of a component into a [*Component]: its preamble
// and every section in binary order, each with the offset of its id byte and of
// its payload. Nested components are decoded recursively; embedded core
// modules are kept as raw bytes with a light decode of their type, import,
// function and export sections ([CoreModule]), enough to list their imports
// and exports with core function types. Core code is never decoded.
//
// The decoder checks the binary grammar only: every opcode, discriminator and
// section id must be known, every length must fit in the bytes that remain and
// every name must be valid UTF-8. It resolves no index and checks no type; that
// is validation, which lives elsewhere. A malformed input yields an error
// carrying the section and the offset (see [Error]); the decoder never panics
// and never allocates in proportion to a count before checking that the bytes
// for that many entries remain.
//
// Offsets are absolute: they index the byte slice given to [Decode], also
// inside nested components and core modules.
package binary

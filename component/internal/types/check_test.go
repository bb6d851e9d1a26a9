package types

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plugwit/plugwit/component/internal/binary"
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
			}
		})
	}
}

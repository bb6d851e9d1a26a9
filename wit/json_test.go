package wit

import (
	"encoding/json"
	"strings"
	"testing"
)

// The expected outputs below are written by hand from wit-parser's serde
// attributes (field order, skipped fields, enum tagging) and serde_json's
// pretty layout. Each test covers one construct.

func mustVersion(t *testing.T, s string) *Version {
	t.Helper()
	v, err := ParseVersion(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func checkJSON(t *testing.T, r *Resolve, want string) {
	t.Helper()
	got, err := r.MarshalJSON()
	if err != nil {
		t.Fatalf("MarshalJSON: %v", err)
	}
	want = strings.TrimPrefix(want, "\n")
	if string(got) != want {
		t.Errorf("MarshalJSON mismatch\n--- got ---\n%s\n--- want ---\n%s", got, want)
		gl, wl := strings.Split(string(got), "\n"), strings.Split(want, "\n")
		for i := 0; i < len(gl) && i < len(wl); i++ {
			if gl[i] != wl[i] {
				t.Errorf("first difference at line %d:\n got: %q\nwant: %q", i+1, gl[i], wl[i])
				break
			}
		}
	}
	if !json.Valid(got) {
		t.Errorf("output is not valid JSON")
	}
}

// pkgWithInterface returns a Resolve holding package foo:bar with one
// interface named iface, and that interface.
func pkgWithInterface(name string) (*Resolve, *Interface) {
	r := NewResolve()
	p := &Package{Name: PackageName{Namespace: "foo", Name: "bar"}}
	r.Packages = append(r.Packages, p)
	iface := &Interface{Name: name, Package: 0}
	r.Interfaces = append(r.Interfaces, iface)
	p.Interfaces.Set(name, 0)
	return r, iface
}

// addType appends a type definition and returns its ID; named types are also
// entered in the interface's type map.
func addType(r *Resolve, iface *Interface, owner TypeOwner, name string, kind TypeDefKind) TypeID {
	id := TypeID(len(r.Types))
	r.Types = append(r.Types, &TypeDef{Name: name, Kind: kind, Owner: owner})
	if name != "" && iface != nil {
		iface.Types.Set(name, id)
	}
	return id
}

func TestJSONEmpty(t *testing.T) {
	checkJSON(t, NewResolve(), `
{
  "worlds": [],
  "interfaces": [],
  "types": [],
  "packages": []
}`)
}

func TestJSONPackage(t *testing.T) {
	r := NewResolve()
	r.Packages = append(r.Packages,
		&Package{Name: PackageName{Namespace: "a", Name: "b", Version: mustVersion(t, "1.2.3-rc.1+build")}},
		&Package{Name: PackageName{Namespace: "c", Name: "d"}, Docs: Docs{Contents: "the d package", Present: true}},
	)
	checkJSON(t, r, `
{
  "worlds": [],
  "interfaces": [],
  "types": [],
  "packages": [
    {
      "name": "a:b@1.2.3-rc.1+build",
      "interfaces": {},
      "worlds": {}
    },
    {
      "name": "c:d",
      "docs": {
        "contents": "the d package"
      },
      "interfaces": {},
      "worlds": {}
    }
  ]
}`)
}

func TestJSONFunctions(t *testing.T) {
	r, iface := pkgWithInterface("functions")
	tup := addType(r, nil, nil, "", &Tuple{Types: []Type{U32, U32}})
	opt := addType(r, nil, nil, "", &Option{Type: U32})
	res := addType(r, nil, nil, "", &Result{OK: U32, Err: F32})
	iface.Functions.Set("f1", &Function{Name: "f1"})
	iface.Functions.Set("f2", &Function{Name: "f2", Params: []Param{{Name: "a", Type: U32}}, Result: tup})
	iface.Functions.Set("f3", &Function{Name: "f3", Params: []Param{{Name: "a", Type: opt}, {Name: "b", Type: String}}, Result: res})
	iface.Functions.Set("f4", &Function{Name: "f4", Kind: AsyncFreestanding, Result: ErrorContext})
	checkJSON(t, r, `
{
  "worlds": [],
  "interfaces": [
    {
      "name": "functions",
      "types": {},
      "functions": {
        "f1": {
          "name": "f1",
          "kind": "freestanding",
          "params": []
        },
        "f2": {
          "name": "f2",
          "kind": "freestanding",
          "params": [
            {
              "name": "a",
              "type": "u32"
            }
          ],
          "result": 0
        },
        "f3": {
          "name": "f3",
          "kind": "freestanding",
          "params": [
            {
              "name": "a",
              "type": 1
            },
            {
              "name": "b",
              "type": "string"
            }
          ],
          "result": 2
        },
        "f4": {
          "name": "f4",
          "kind": "async-freestanding",
          "params": [],
          "result": "error-context"
        }
      },
      "package": 0
    }
  ],
  "types": [
    {
      "name": null,
      "kind": {
        "tuple": {
          "types": [
            "u32",
            "u32"
          ]
        }
      },
      "owner": null
    },
    {
      "name": null,
      "kind": {
        "option": "u32"
      },
      "owner": null
    },
    {
      "name": null,
      "kind": {
        "result": {
          "ok": "u32",
          "err": "f32"
        }
      },
      "owner": null
    }
  ],
  "packages": [
    {
      "name": "foo:bar",
      "interfaces": {
        "functions": 0
      },
      "worlds": {}
    }
  ]
}`)
}

func TestJSONPrimitives(t *testing.T) {
	r, iface := pkgWithInterface("i")
	var params []Param
	for p := Bool; p <= ErrorContext; p++ {
		params = append(params, Param{Name: "p", Type: p})
	}
	iface.Functions.Set("f", &Function{Name: "f", Params: params})
	got, err := r.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	want := `"type": "bool"|"type": "u8"|"type": "u16"|"type": "u32"|"type": "u64"|` +
		`"type": "s8"|"type": "s16"|"type": "s32"|"type": "s64"|"type": "f32"|"type": "f64"|` +
		`"type": "char"|"type": "string"|"type": "error-context"`
	var types []string
	for _, line := range strings.Split(string(got), "\n") {
		if s := strings.TrimSpace(line); strings.HasPrefix(s, `"type": `) {
			types = append(types, s)
		}
	}
	if g := strings.Join(types, "|"); g != want {
		t.Errorf("primitives:\n got %s\nwant %s", g, want)
	}
}

func TestJSONRecord(t *testing.T) {
	r, iface := pkgWithInterface("i")
	addType(r, iface, InterfaceID(0), "point", &Record{Fields: []Field{
		{Name: "x", Type: S32, Docs: Docs{Contents: "across", Present: true}},
		{Name: "y", Type: S32},
	}})
	addType(r, iface, InterfaceID(0), "empty", &Record{})
	checkJSON(t, r, `
{
  "worlds": [],
  "interfaces": [
    {
      "name": "i",
      "types": {
        "point": 0,
        "empty": 1
      },
      "functions": {},
      "package": 0
    }
  ],
  "types": [
    {
      "name": "point",
      "kind": {
        "record": {
          "fields": [
            {
              "name": "x",
              "type": "s32",
              "docs": {
                "contents": "across"
              }
            },
            {
              "name": "y",
              "type": "s32"
            }
          ]
        }
      },
      "owner": {
        "interface": 0
      }
    },
    {
      "name": "empty",
      "kind": {
        "record": {
          "fields": []
        }
      },
      "owner": {
        "interface": 0
      }
    }
  ],
  "packages": [
    {
      "name": "foo:bar",
      "interfaces": {
        "i": 0
      },
      "worlds": {}
    }
  ]
}`)
}

// typesOnly returns the "types" array of the JSON of r, for tests that only
// care about type definitions.
func typesOnly(t *testing.T, r *Resolve) string {
	t.Helper()
	got, err := r.MarshalJSON()
	if err != nil {
		t.Fatalf("MarshalJSON: %v", err)
	}
	s := string(got)
	i := strings.Index(s, "\n  \"types\": [")
	j := strings.Index(s, "\n  \"packages\": [")
	if i < 0 || j < 0 {
		t.Fatalf("no types array in\n%s", s)
	}
	return s[i+1 : j]
}

func checkTypes(t *testing.T, r *Resolve, want string) {
	t.Helper()
	want = strings.TrimPrefix(want, "\n")
	if got := typesOnly(t, r); got != want {
		t.Errorf("types mismatch\n--- got ---\n%s\n--- want ---\n%s", got, want)
	}
}

func TestJSONFlags(t *testing.T) {
	r, iface := pkgWithInterface("i")
	addType(r, iface, InterfaceID(0), "perms", &Flags{Flags: []Flag{
		{Name: "read"},
		{Name: "write", Docs: Docs{Present: true}},
	}})
	checkTypes(t, r, `
  "types": [
    {
      "name": "perms",
      "kind": {
        "flags": {
          "flags": [
            {
              "name": "read"
            },
            {
              "name": "write",
              "docs": {
                "contents": ""
              }
            }
          ]
        }
      },
      "owner": {
        "interface": 0
      }
    }
  ],`)
}

func TestJSONVariant(t *testing.T) {
	r, iface := pkgWithInterface("i")
	addType(r, iface, InterfaceID(0), "v", &Variant{Cases: []Case{
		{Name: "none"},
		{Name: "some", Type: U64, Docs: Docs{Contents: "a value", Present: true}},
	}})
	checkTypes(t, r, `
  "types": [
    {
      "name": "v",
      "kind": {
        "variant": {
          "cases": [
            {
              "name": "none",
              "type": null
            },
            {
              "name": "some",
              "type": "u64",
              "docs": {
                "contents": "a value"
              }
            }
          ]
        }
      },
      "owner": {
        "interface": 0
      }
    }
  ],`)
}

func TestJSONEnum(t *testing.T) {
	r, iface := pkgWithInterface("i")
	addType(r, iface, InterfaceID(0), "color", &Enum{Cases: []EnumCase{
		{Name: "red", Docs: Docs{Contents: "warm", Present: true}},
		{Name: "blue"},
	}})
	checkTypes(t, r, `
  "types": [
    {
      "name": "color",
      "kind": {
        "enum": {
          "cases": [
            {
              "name": "red",
              "docs": {
                "contents": "warm"
              }
            },
            {
              "name": "blue"
            }
          ]
        }
      },
      "owner": {
        "interface": 0
      }
    }
  ],`)
}

func TestJSONResultShapes(t *testing.T) {
	r, _ := pkgWithInterface("i")
	addType(r, nil, nil, "", &Result{})
	addType(r, nil, nil, "", &Result{OK: String})
	addType(r, nil, nil, "", &Result{Err: TypeID(0)})
	checkTypes(t, r, `
  "types": [
    {
      "name": null,
      "kind": {
        "result": {
          "ok": null,
          "err": null
        }
      },
      "owner": null
    },
    {
      "name": null,
      "kind": {
        "result": {
          "ok": "string",
          "err": null
        }
      },
      "owner": null
    },
    {
      "name": null,
      "kind": {
        "result": {
          "ok": null,
          "err": 0
        }
      },
      "owner": null
    }
  ],`)
}

func TestJSONListMapFixedList(t *testing.T) {
	r, iface := pkgWithInterface("i")
	addType(r, iface, InterfaceID(0), "bytes", &List{Elem: U8})
	addType(r, nil, nil, "", &Map{Key: String, Value: TypeID(0)})
	addType(r, iface, InterfaceID(0), "quad", &FixedList{Elem: F32, Len: 4})
	checkTypes(t, r, `
  "types": [
    {
      "name": "bytes",
      "kind": {
        "list": "u8"
      },
      "owner": {
        "interface": 0
      }
    },
    {
      "name": null,
      "kind": {
        "map": [
          "string",
          0
        ]
      },
      "owner": null
    },
    {
      "name": "quad",
      "kind": {
        "fixed-length-list": [
          "f32",
          4
        ]
      },
      "owner": {
        "interface": 0
      }
    }
  ],`)
}

func TestJSONFutureStream(t *testing.T) {
	r, _ := pkgWithInterface("i")
	addType(r, nil, nil, "", &Future{})
	addType(r, nil, nil, "", &Future{Elem: U32})
	addType(r, nil, nil, "", &Stream{})
	addType(r, nil, nil, "", &Stream{Elem: TypeID(1)})
	checkTypes(t, r, `
  "types": [
    {
      "name": null,
      "kind": {
        "future": null
      },
      "owner": null
    },
    {
      "name": null,
      "kind": {
        "future": "u32"
      },
      "owner": null
    },
    {
      "name": null,
      "kind": {
        "stream": null
      },
      "owner": null
    },
    {
      "name": null,
      "kind": {
        "stream": 1
      },
      "owner": null
    }
  ],`)
}

func TestJSONAlias(t *testing.T) {
	r, iface := pkgWithInterface("i")
	addType(r, iface, InterfaceID(0), "a", &Alias{Type: Char})
	addType(r, iface, InterfaceID(0), "b", &Alias{Type: TypeID(0)})
	checkTypes(t, r, `
  "types": [
    {
      "name": "a",
      "kind": {
        "type": "char"
      },
      "owner": {
        "interface": 0
      }
    },
    {
      "name": "b",
      "kind": {
        "type": 0
      },
      "owner": {
        "interface": 0
      }
    }
  ],`)
}

func TestJSONResource(t *testing.T) {
	r, iface := pkgWithInterface("i")
	res := addType(r, iface, InterfaceID(0), "file", &Resource{})
	own := addType(r, nil, nil, "", &Own{Resource: res})
	borrow := addType(r, nil, nil, "", &Borrow{Resource: res})
	iface.Functions.Set("[constructor]file", &Function{Name: "[constructor]file", Kind: Constructor, Resource: res, Result: own})
	iface.Functions.Set("[method]file.read", &Function{Name: "[method]file.read", Kind: Method, Resource: res,
		Params: []Param{{Name: "self", Type: borrow}, {Name: "n", Type: U32}}})
	iface.Functions.Set("[static]file.open", &Function{Name: "[static]file.open", Kind: Static, Resource: res, Result: own})
	iface.Functions.Set("[method]file.wait", &Function{Name: "[method]file.wait", Kind: AsyncMethod, Resource: res,
		Params: []Param{{Name: "self", Type: borrow}}})
	iface.Functions.Set("[static]file.poll", &Function{Name: "[static]file.poll", Kind: AsyncStatic, Resource: res})
	checkJSON(t, r, `
{
  "worlds": [],
  "interfaces": [
    {
      "name": "i",
      "types": {
        "file": 0
      },
      "functions": {
        "[constructor]file": {
          "name": "[constructor]file",
          "kind": {
            "constructor": 0
          },
          "params": [],
          "result": 1
        },
        "[method]file.read": {
          "name": "[method]file.read",
          "kind": {
            "method": 0
          },
          "params": [
            {
              "name": "self",
              "type": 2
            },
            {
              "name": "n",
              "type": "u32"
            }
          ]
        },
        "[static]file.open": {
          "name": "[static]file.open",
          "kind": {
            "static": 0
          },
          "params": [],
          "result": 1
        },
        "[method]file.wait": {
          "name": "[method]file.wait",
          "kind": {
            "async-method": 0
          },
          "params": [
            {
              "name": "self",
              "type": 2
            }
          ]
        },
        "[static]file.poll": {
          "name": "[static]file.poll",
          "kind": {
            "async-static": 0
          },
          "params": []
        }
      },
      "package": 0
    }
  ],
  "types": [
    {
      "name": "file",
      "kind": "resource",
      "owner": {
        "interface": 0
      }
    },
    {
      "name": null,
      "kind": {
        "handle": {
          "own": 0
        }
      },
      "owner": null
    },
    {
      "name": null,
      "kind": {
        "handle": {
          "borrow": 0
        }
      },
      "owner": null
    }
  ],
  "packages": [
    {
      "name": "foo:bar",
      "interfaces": {
        "i": 0
      },
      "worlds": {}
    }
  ]
}`)
}

// TestJSONWorld covers the three kinds of world item, both kinds of world key,
// an anonymous interface (name null) and a type owned by a world.
func TestJSONWorld(t *testing.T) {
	r, iface := pkgWithInterface("i")
	iface.Docs = Docs{Contents: " the i interface", Present: true}
	anon := &Interface{Package: 0}
	anon.Functions.Set("g", &Function{Name: "g"})
	r.Interfaces = append(r.Interfaces, anon)

	w := &World{Name: "w", Package: 0, Docs: Docs{Contents: "a world", Present: true}}
	r.Worlds = append(r.Worlds, w)
	r.Packages[0].Worlds.Set("w", 0)
	msg := addType(r, nil, WorldID(0), "message", &Record{Fields: []Field{{Name: "content", Type: String}}})

	w.Imports.Set(InterfaceKey(0), &WorldInterface{ID: 0, Docs: Docs{Contents: "use i", Present: true}})
	w.Imports.Set(NameKey("message"), &WorldType{ID: msg})
	w.Imports.Set(NameKey("cool-print"), &Function{Name: "cool-print"})
	w.Exports.Set(NameKey("anon"), &WorldInterface{ID: 1})
	w.Exports.Set(NameKey("greet"), &Function{Name: "greet", Params: []Param{{Name: "msg", Type: msg}}})
	checkJSON(t, r, `
{
  "worlds": [
    {
      "name": "w",
      "imports": {
        "interface-0": {
          "interface": {
            "id": 0,
            "docs": {
              "contents": "use i"
            }
          }
        },
        "message": {
          "type": 0
        },
        "cool-print": {
          "function": {
            "name": "cool-print",
            "kind": "freestanding",
            "params": []
          }
        }
      },
      "exports": {
        "anon": {
          "interface": {
            "id": 1
          }
        },
        "greet": {
          "function": {
            "name": "greet",
            "kind": "freestanding",
            "params": [
              {
                "name": "msg",
                "type": 0
              }
            ]
          }
        }
      },
      "package": 0,
      "docs": {
        "contents": "a world"
      }
    }
  ],
  "interfaces": [
    {
      "name": "i",
      "types": {},
      "functions": {},
      "docs": {
        "contents": " the i interface"
      },
      "package": 0
    },
    {
      "name": null,
      "types": {},
      "functions": {
        "g": {
          "name": "g",
          "kind": "freestanding",
          "params": []
        }
      },
      "package": 0
    }
  ],
  "types": [
    {
      "name": "message",
      "kind": {
        "record": {
          "fields": [
            {
              "name": "content",
              "type": "string"
            }
          ]
        }
      },
      "owner": {
        "world": 0
      }
    }
  ],
  "packages": [
    {
      "name": "foo:bar",
      "interfaces": {
        "i": 0
      },
      "worlds": {
        "w": 0
      }
    }
  ]
}`)
}

// TestJSONStability covers @since, @unstable and @deprecated on every item
// that carries a stability, and the order of docs and stability.
func TestJSONStability(t *testing.T) {
	r, iface := pkgWithInterface("i")
	since := Stability{Kind: StabilityStable, Since: mustVersion(t, "1.0.0")}
	deprecated := Stability{Kind: StabilityStable, Since: mustVersion(t, "1.0.0"), Deprecated: mustVersion(t, "1.0.1")}
	unstable := Stability{Kind: StabilityUnstable, Feature: "fancy"}
	unstableDep := Stability{Kind: StabilityUnstable, Feature: "old", Deprecated: mustVersion(t, "0.2.0")}

	iface.Stability = since
	iface.Docs = Docs{Contents: "d", Present: true}
	iface.Functions.Set("f", &Function{Name: "f", Stability: unstable, Docs: Docs{Contents: "d", Present: true}, Result: U8})
	r.Types = append(r.Types, &TypeDef{Name: "t", Kind: &Alias{Type: U8}, Owner: InterfaceID(0),
		Docs: Docs{Contents: "d", Present: true}, Stability: deprecated})
	iface.Types.Set("t", 0)
	w := &World{Name: "w", Package: 0, Stability: unstableDep}
	w.Imports.Set(InterfaceKey(0), &WorldInterface{ID: 0, Stability: since, Docs: Docs{Contents: "d", Present: true}})
	r.Worlds = append(r.Worlds, w)
	r.Packages[0].Worlds.Set("w", 0)
	checkJSON(t, r, `
{
  "worlds": [
    {
      "name": "w",
      "imports": {
        "interface-0": {
          "interface": {
            "id": 0,
            "stability": {
              "stable": {
                "since": "1.0.0"
              }
            },
            "docs": {
              "contents": "d"
            }
          }
        }
      },
      "exports": {},
      "package": 0,
      "stability": {
        "unstable": {
          "feature": "old",
          "deprecated": "0.2.0"
        }
      }
    }
  ],
  "interfaces": [
    {
      "name": "i",
      "types": {
        "t": 0
      },
      "functions": {
        "f": {
          "name": "f",
          "kind": "freestanding",
          "params": [],
          "result": "u8",
          "docs": {
            "contents": "d"
          },
          "stability": {
            "unstable": {
              "feature": "fancy"
            }
          }
        }
      },
      "docs": {
        "contents": "d"
      },
      "stability": {
        "stable": {
          "since": "1.0.0"
        }
      },
      "package": 0
    }
  ],
  "types": [
    {
      "name": "t",
      "kind": {
        "type": "u8"
      },
      "owner": {
        "interface": 0
      },
      "docs": {
        "contents": "d"
      },
      "stability": {
        "stable": {
          "since": "1.0.0",
          "deprecated": "1.0.1"
        }
      }
    }
  ],
  "packages": [
    {
      "name": "foo:bar",
      "interfaces": {
        "i": 0
      },
      "worlds": {
        "w": 0
      }
    }
  ]
}`)
}

func TestJSONStringEscaping(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain", `"plain"`},
		{`a"b\c`, `"a\"b\\c"`},
		{"\b\t\n\f\r", `"\b\t\n\f\r"`},
		{"\x00\x01\x1f\x7f", `"\u0000\u0001\u001f` + "\x7f" + `"`},
		{"<a> & b", `"<a> & b"`},
		{"line\u2028para\u2029", "\"line\u2028para\u2029\""},
		{"héllo, 世界 🙂", `"héllo, 世界 🙂"`},
		{"bad\xffbyte\xc3", "\"bad\uFFFDbyte\uFFFD\""},
		{"/", `"/"`},
	} {
		var w jsonWriter
		w.string(tc.in)
		if string(w.buf) != tc.want {
			t.Errorf("string(%q) = %s, want %s", tc.in, w.buf, tc.want)
		}
	}
}

// TestJSONDocsEscaping checks escaping in a real position: multi-line docs.
func TestJSONDocsEscaping(t *testing.T) {
	r := NewResolve()
	r.Packages = append(r.Packages, &Package{Name: PackageName{Namespace: "a", Name: "b"},
		Docs: Docs{Contents: " line one\n \"two\"\t<three>", Present: true}})
	checkJSON(t, r, `
{
  "worlds": [],
  "interfaces": [],
  "types": [],
  "packages": [
    {
      "name": "a:b",
      "docs": {
        "contents": " line one\n \"two\"\t<three>"
      },
      "interfaces": {},
      "worlds": {}
    }
  ]
}`)
}

func TestJSONErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		build func(r *Resolve, iface *Interface)
		want  string
	}{
		{"nil param type", func(r *Resolve, iface *Interface) {
			iface.Functions.Set("f", &Function{Name: "f", Params: []Param{{Name: "a"}}})
		}, "missing type"},
		{"nil kind", func(r *Resolve, iface *Interface) {
			r.Types = append(r.Types, &TypeDef{Name: "t"})
		}, "type 0: nil kind"},
		{"unresolved kind", func(r *Resolve, iface *Interface) {
			r.Types = append(r.Types, &TypeDef{Name: "t", Kind: &unknown{}})
		}, "type 0: unresolved type"},
		{"nil type def", func(r *Resolve, iface *Interface) {
			r.Types = append(r.Types, nil)
		}, "type 0 is nil"},
		{"nil world item", func(r *Resolve, iface *Interface) {
			w := &World{Name: "w"}
			w.Imports.Set(NameKey("x"), nil)
			r.Worlds = append(r.Worlds, w)
		}, `world w: item "x" is <nil>`},
		{"negative id", func(r *Resolve, iface *Interface) {
			iface.Functions.Set("f", &Function{Name: "f", Result: TypeID(-1)})
		}, "negative id -1"},
		{"stable without version", func(r *Resolve, iface *Interface) {
			iface.Stability = Stability{Kind: StabilityStable}
		}, "stable item without a version"},
		{"bad primitive", func(r *Resolve, iface *Interface) {
			iface.Functions.Set("f", &Function{Name: "f", Result: Primitive(200)})
		}, "invalid primitive 200"},
		{"bad function kind", func(r *Resolve, iface *Interface) {
			iface.Functions.Set("f", &Function{Name: "f", Kind: FunctionKind(99)})
		}, "function f: invalid kind 99"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, iface := pkgWithInterface("i")
			tc.build(r, iface)
			out, err := r.MarshalJSON()
			if err == nil {
				t.Fatalf("no error; output:\n%s", out)
			}
			if out != nil {
				t.Errorf("output alongside error")
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "wit: encode json: ") {
				t.Errorf("error %q, want it to contain %q", err, tc.want)
			}
		})
	}
}

// TestJSONMarshalInterop checks that encoding/json accepts the method (it
// compacts the output, which is why callers wanting the wasm-tools layout call
// MarshalJSON directly).
func TestJSONMarshalInterop(t *testing.T) {
	r := NewResolve()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"worlds":[],"interfaces":[],"types":[],"packages":[]}`; string(b) != want {
		t.Errorf("json.Marshal = %s, want %s", b, want)
	}
}

func BenchmarkMarshalJSON(b *testing.B) {
	r, iface := pkgWithInterface("i")
	for i := 0; i < 200; i++ {
		name := "t" + strings.Repeat("x", i%7) + string(rune('a'+i%26))
		id := addType(r, nil, InterfaceID(0), name, &Record{Fields: []Field{
			{Name: "a", Type: U32, Docs: Docs{Contents: "field a\nsecond line", Present: true}},
			{Name: "b", Type: String},
		}})
		iface.Functions.Set(name, &Function{Name: name, Params: []Param{{Name: "x", Type: id}}, Result: id})
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.MarshalJSON(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestJSONExternalIDAndCloneOf covers `@external-id` on world interfaces,
// functions and types, and clone_of on an interface; serde spells both in
// snake_case and writes them after stability (and, for a world interface,
// before docs).
func TestJSONExternalIDAndCloneOf(t *testing.T) {
	r, iface := pkgWithInterface("i")
	iface.Functions.Set("f", &Function{Name: "f", ExternalID: "ext:f",
		Stability: Stability{Kind: StabilityUnstable, Feature: "x"}})
	r.Types = append(r.Types, &TypeDef{Name: "t", Kind: &Alias{Type: U8}, Owner: InterfaceID(0), ExternalID: "ext:t",
		Docs: Docs{Contents: "d", Present: true}})
	iface.Types.Set("t", 0)
	orig := InterfaceID(0)
	r.Interfaces = append(r.Interfaces, &Interface{Package: 0, CloneOf: &orig})
	w := &World{Name: "w", Package: 0}
	w.Imports.Set(InterfaceKey(0), &WorldInterface{ID: 0, ExternalID: "ext:i", Docs: Docs{Contents: "d", Present: true},
		Stability: Stability{Kind: StabilityUnstable, Feature: "x"}})
	r.Worlds = append(r.Worlds, w)
	r.Packages[0].Worlds.Set("w", 0)
	checkJSON(t, r, `
{
  "worlds": [
    {
      "name": "w",
      "imports": {
        "interface-0": {
          "interface": {
            "id": 0,
            "stability": {
              "unstable": {
                "feature": "x"
              }
            },
            "external_id": "ext:i",
            "docs": {
              "contents": "d"
            }
          }
        }
      },
      "exports": {},
      "package": 0
    }
  ],
  "interfaces": [
    {
      "name": "i",
      "types": {
        "t": 0
      },
      "functions": {
        "f": {
          "name": "f",
          "kind": "freestanding",
          "params": [],
          "stability": {
            "unstable": {
              "feature": "x"
            }
          },
          "external_id": "ext:f"
        }
      },
      "package": 0
    },
    {
      "name": null,
      "types": {},
      "functions": {},
      "package": 0,
      "clone_of": 0
    }
  ],
  "types": [
    {
      "name": "t",
      "kind": {
        "type": "u8"
      },
      "owner": {
        "interface": 0
      },
      "docs": {
        "contents": "d"
      },
      "external_id": "ext:t"
    }
  ],
  "packages": [
    {
      "name": "foo:bar",
      "interfaces": {
        "i": 0
      },
      "worlds": {
        "w": 0
      }
    }
  ]
}`)
}

// kindNamed returns the FunctionKind whose String is name, if the model has
// it.
func kindNamed(name string) (FunctionKind, bool) {
	for k := range FunctionKind(len(functionKindNames)) {
		if k.String() == name {
			return k, true
		}
	}
	return 0, false
}

// TestJSONAccessorKinds covers property accessors as wasm-tools 1.263 prints
// them: "getter" and "setter" bare, the resource ones tagged with the
// resource's type index.
func TestJSONAccessorKinds(t *testing.T) {
	for _, tc := range []struct{ kind, want string }{
		{"getter", `"kind": "getter",`},
		{"setter", `"kind": "setter",`},
		{"method-getter", "\"kind\": {\n            \"method-getter\": 0\n          },"},
		{"method-setter", "\"kind\": {\n            \"method-setter\": 0\n          },"},
		{"static-getter", "\"kind\": {\n            \"static-getter\": 0\n          },"},
		{"static-setter", "\"kind\": {\n            \"static-setter\": 0\n          },"},
	} {
		k, ok := kindNamed(tc.kind)
		if !ok {
			t.Logf("skipping %s: the model has no such function kind yet", tc.kind)
			continue
		}
		r, iface := pkgWithInterface("i")
		res := addType(r, iface, InterfaceID(0), "r", &Resource{})
		iface.Functions.Set("f", &Function{Name: "f", Kind: k, Resource: res})
		got, err := r.MarshalJSON()
		if err != nil {
			t.Fatalf("%s: %v", tc.kind, err)
		}
		if !strings.Contains(string(got), tc.want) {
			t.Errorf("%s: output lacks\n%s\n--- got ---\n%s", tc.kind, tc.want, got)
		}
	}
}

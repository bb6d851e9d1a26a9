package wit

import "errors"

var errNotYet = errors.New("wit: not implemented yet")

// PushPath parses the WIT package at path, a `.wit` file or a directory of
// `.wit` files, together with the packages in the directory's `deps/`
// folder, and adds them all to r. It returns the ID of the main package.
func (r *Resolve) PushPath(path string) (PackageID, error) { return 0, errNotYet }

// PushSource parses WIT text as if read from a file named name (used in
// error messages) and adds its package, with any nested packages, to r. Every
// package it refers to must already be in r.
func (r *Resolve) PushSource(name, text string) (PackageID, error) { return 0, errNotYet }

// LoadPath is a shorthand for NewResolve(features...).PushPath(path).
func LoadPath(path string, features ...string) (*Resolve, PackageID, error) {
	r := NewResolve(features...)
	id, err := r.PushPath(path)
	if err != nil {
		return nil, 0, err
	}
	return r, id, nil
}

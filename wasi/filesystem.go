package wasi

import (
	"context"

	"github.com/plugwit/plugwit/component"
)

// wasi:filesystem with no preopened directory. The guest gets an empty
// list from `get-directories`, so it never holds a descriptor: every
// descriptor and directory-entry-stream method finds no object behind its
// handle and traps. This is where preopens (Config.WithPreopen, a later
// session) plug in: a descriptor object in the table, and the methods
// below implemented over it.

// descriptorMethods and directoryEntryStreamMethods are the methods of the
// two filesystem resources (wasi:filesystem/types@0.2.x).
var descriptorMethods = []string{
	"read-via-stream", "write-via-stream", "append-via-stream", "advise", "sync-data",
	"get-flags", "get-type", "set-size", "set-times", "read", "write", "read-directory",
	"sync", "create-directory-at", "stat", "stat-at", "set-times-at", "link-at", "open-at",
	"readlink-at", "remove-directory-at", "rename-at", "symlink-at", "unlink-file-at",
	"is-same-object", "metadata-hash", "metadata-hash-at",
}

var directoryEntryStreamMethods = []string{"read-directory-entry"}

// fsErrorCode is an io error a filesystem stream reports: its
// wasi:filesystem/types.error-code, as filesystem-error-code returns it.
type fsErrorCode interface{ fsErrorCode() string }

func (h *host) filesystemTypes() *iface {
	in := h.newIface("wasi:filesystem/types", kindDescriptor, kindDirectoryEntryStream,
		kindInputStream, kindOutputStream, kindError)
	h.unreachable(in, kindDescriptor, descriptorMethods)
	h.unreachable(in, kindDirectoryEntryStream, directoryEntryStreamMethods)
	in.funcs["filesystem-error-code"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		e, err := resourceArg[*ioErrorObj](h, args, 0, kindError)
		if err != nil {
			return nil, err
		}
		if c, ok := e.err.(fsErrorCode); ok {
			return component.Some(component.Enum(c.fsErrorCode())), nil
		}
		return component.None, nil
	}
	return in
}

func (h *host) filesystemPreopens() *iface {
	in := h.newIface("wasi:filesystem/preopens", kindDescriptor)
	in.funcs["get-directories"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		return component.List{}, nil
	}
	return in
}

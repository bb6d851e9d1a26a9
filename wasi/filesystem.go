package wasi

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/plugwit/plugwit/component"
)

// wasi:filesystem over the directories a Config preopens (WithPreopen).
//
// Every preopen is an os.Root, and every path a guest names is resolved
// in it: a path that is absolute, that climbs out of the descriptor it is
// relative to with `..`, or that reaches out of the preopen through a
// symbolic link (relative or absolute) fails with `not-permitted`. (The
// spec leaves the choice between `access` and `not-permitted` open; we
// use `access` only for what the host's own permissions deny.) A
// directory descriptor names its directory by its path inside the
// preopen, so the boundary os.Root enforces is the preopen's; renaming a
// directory a guest holds a descriptor to leaves that descriptor naming
// the old path.
//
// On a read-only preopen every change fails with `read-only`. Between two
// preopens, rename-at and link-at fail with `cross-device`. set-times,
// set-times-at and advise are `unsupported`.

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

// fsError is a failed filesystem operation: its error-code, and the Go
// error behind it if any.
type fsError struct {
	code string
	err  error
}

func (e *fsError) Error() string {
	if e.err != nil {
		return e.code + ": " + e.err.Error()
	}
	return e.code
}
func (e *fsError) Unwrap() error       { return e.err }
func (e *fsError) fsErrorCode() string { return e.code }

func codeErr(code string) error { return &fsError{code: code} }

// fail turns a Go error of a filesystem call into its error-code.
func fail(err error) error {
	var fe *fsError
	if errors.As(err, &fe) {
		return fe
	}
	return &fsError{code: errorCode(err), err: err}
}

// errorCode maps a Go error to the name of a wasi:filesystem error-code.
func errorCode(err error) string {
	if c := errnoCode(err); c != "" {
		return c
	}
	switch {
	case strings.Contains(err.Error(), "path escapes from parent"): // os.Root
		return "not-permitted"
	case errors.Is(err, fs.ErrNotExist):
		return "no-entry"
	case errors.Is(err, fs.ErrExist):
		return "exist"
	case errors.Is(err, fs.ErrPermission):
		return "access"
	case errors.Is(err, fs.ErrClosed):
		return "bad-descriptor"
	case errors.Is(err, fs.ErrInvalid):
		return "invalid"
	}
	return "io"
}

// preopen is one directory of Config.WithPreopen, opened.
type preopen struct {
	root     *os.Root
	guest    string
	readOnly bool
	desc     *descriptor // the preopen's own descriptor, shared by every handle to it
}

func openPreopens(cfg Config) ([]*preopen, error) {
	var ps []*preopen
	for _, pc := range cfg.preopens {
		r, err := os.OpenRoot(pc.hostDir)
		if err == nil {
			var f *os.File
			if f, err = r.Open("."); err == nil {
				p := &preopen{root: r, guest: pc.guestPath, readOnly: pc.readOnly}
				p.desc = &descriptor{pre: p, rel: ".", f: f, dir: true, read: true, mutate: !pc.readOnly, shared: true}
				ps = append(ps, p)
				continue
			}
			r.Close()
		}
		for _, p := range ps {
			p.desc.f.Close()
			p.root.Close()
		}
		return nil, fmt.Errorf("wasi: preopen %s: %w", pc.hostDir, err)
	}
	return ps, nil
}

// descriptor is the object behind a descriptor handle: an open file or
// directory of a preopen.
type descriptor struct {
	pre    *preopen
	rel    string   // slash path inside pre.root; "." is the preopen
	f      *os.File // open for reading (a file: as the flags ask)
	dir    bool
	read   bool // descriptor-flags read
	write  bool // descriptor-flags write (files only)
	mutate bool // descriptor-flags mutate-directory (directories only)
	shared bool // a preopen's: closed with the host, not when a handle drops

	open *atomic.Int32 // the context's count of open files (maxOpenFiles)
}

// maxOpenFiles bounds the files and directories one WASI context holds open
// (preopens aside): a guest that opens and never drops descriptors gets the
// error-code `insufficient-memory` instead of exhausting the host process's
// file descriptors.
const maxOpenFiles = 1024

// release closes the descriptor's file when the guest drops its handle.
func (d *descriptor) release() {
	if !d.shared {
		d.f.Close()
		if d.open != nil {
			d.open.Add(-1)
		}
	}
}

// resolve returns the path p (relative to the directory d) inside the
// preopen's root.
func (d *descriptor) resolve(p string) (string, error) {
	if !d.dir {
		return "", codeErr("not-directory")
	}
	switch {
	case p == "":
		return "", codeErr("no-entry")
	case strings.ContainsRune(p, 0):
		return "", codeErr("invalid")
	case !filepath.IsLocal(filepath.FromSlash(p)) || strings.HasPrefix(p, "/"):
		return "", codeErr("not-permitted")
	}
	return path.Join(d.rel, p), nil
}

// mayMutate reports whether d allows changing its directory's entries.
func (d *descriptor) mayMutate() error {
	switch {
	case d.pre.readOnly:
		return codeErr("read-only")
	case !d.dir:
		return codeErr("not-directory")
	case !d.mutate:
		return codeErr("not-permitted")
	}
	return nil
}

func (d *descriptor) mayRead() error {
	switch {
	case d.dir:
		return codeErr("is-directory")
	case !d.read:
		return codeErr("bad-descriptor")
	}
	return nil
}

func (d *descriptor) mayWrite() error {
	switch {
	case d.dir:
		return codeErr("is-directory")
	case d.pre.readOnly:
		return codeErr("read-only")
	case !d.write:
		return codeErr("bad-descriptor")
	}
	return nil
}

// ---- file streams ----

// fileSource reads a file from an offset; a file never blocks.
type fileSource struct {
	mu  sync.Mutex
	f   *os.File
	off int64
	buf []byte // what take reads into, reused
}

func (s *fileSource) ready() bool                       { return true }
func (s *fileSource) watch(chan struct{}) (stop func()) { return nil }

func (s *fileSource) take(ctx context.Context, n int, block, discard bool) ([]byte, int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n == 0 {
		return nil, 0, nil
	}
	if cap(s.buf) < n {
		s.buf = make([]byte, n)
	}
	b := s.buf[:n]
	k, err := s.f.ReadAt(b, s.off)
	s.off += int64(k)
	if k > 0 {
		if discard {
			return nil, k, nil
		}
		return b[:k], k, nil
	}
	if err == io.EOF || err == nil {
		return nil, 0, io.EOF
	}
	return nil, 0, fail(err)
}

// fileSink writes a file at an offset, or at its end.
type fileSink struct {
	mu     sync.Mutex
	f      *os.File
	off    int64
	append bool
}

func (s *fileSink) ready() bool                       { return true }
func (s *fileSink) watch(chan struct{}) (stop func()) { return nil }
func (s *fileSink) checkWrite() (int, error)          { return maxChunk, nil }
func (s *fileSink) flush(context.Context, bool) error { return nil }

func (s *fileSink) write(ctx context.Context, b []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.append {
		fi, err := s.f.Stat()
		if err != nil {
			return fail(err)
		}
		s.off = fi.Size()
	}
	n, err := s.f.WriteAt(b, s.off)
	s.off += int64(n)
	if err != nil {
		return fail(err)
	}
	return nil
}

// dirStream is the object behind a directory-entry-stream handle.
type dirStream struct {
	mu      sync.Mutex
	f       *os.File      // the directory, read dirBatch entries at a time; nil at the end
	entries []os.DirEntry // read and not returned yet
	open    *atomic.Int32 // the context's count of open files
}

// dirBatch is how many entries a directory stream reads at once: a
// directory of millions of entries is never held in memory whole.
const dirBatch = 128

// next returns the next entry, or nil at the end.
func (s *dirStream) next() (os.DirEntry, error) {
	if len(s.entries) == 0 && s.f != nil {
		es, err := s.f.ReadDir(dirBatch)
		if len(es) == 0 {
			s.release()
			if err != nil && err != io.EOF {
				return nil, err
			}
		}
		s.entries = es
	}
	if len(s.entries) == 0 {
		return nil, nil
	}
	e := s.entries[0]
	s.entries = s.entries[1:]
	return e, nil
}

// release closes the directory (at the end of the stream, or when the
// guest drops it).
func (s *dirStream) release() {
	if s.f != nil {
		s.f.Close()
		s.f = nil
		s.open.Add(-1)
	}
}

// ---- values ----

func descType(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return "regular-file"
	case m.IsDir():
		return "directory"
	case m&fs.ModeSymlink != 0:
		return "symbolic-link"
	case m&fs.ModeNamedPipe != 0:
		return "fifo"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeCharDevice != 0:
		return "character-device"
	case m&fs.ModeDevice != 0:
		return "block-device"
	}
	return "unknown"
}

func timeValue(t time.Time, ok bool) component.Value {
	if !ok {
		return component.None
	}
	if t.Unix() < 0 {
		return component.Some(datetime(0, 0))
	}
	return component.Some(datetime(uint64(t.Unix()), uint32(t.Nanosecond())))
}

func statValue(fi fs.FileInfo) component.Value {
	sys := statSys(fi)
	return component.Record{
		{Name: "type", Value: component.Enum(descType(fi.Mode()))},
		{Name: "link-count", Value: component.U64(sys.nlink)},
		{Name: "size", Value: component.U64(max(fi.Size(), 0))},
		{Name: "data-access-timestamp", Value: timeValue(sys.atime, sys.times)},
		{Name: "data-modification-timestamp", Value: timeValue(fi.ModTime(), true)},
		{Name: "status-change-timestamp", Value: timeValue(sys.ctime, sys.times)},
	}
}

// metadataHash hashes what identifies a file and its version: device,
// inode, size, modification time and mode.
func metadataHash(fi fs.FileInfo) component.Value {
	sys := statSys(fi)
	h := fnv.New128a()
	var b [8]byte
	for _, v := range []uint64{sys.dev, sys.ino, uint64(fi.Size()), uint64(fi.ModTime().UnixNano()), uint64(fi.Mode())} {
		binary.LittleEndian.PutUint64(b[:], v)
		h.Write(b[:])
	}
	if sys.ino == 0 {
		h.Write([]byte(fi.Name()))
	}
	sum := h.Sum(nil)
	return component.Record{
		{Name: "lower", Value: component.U64(binary.LittleEndian.Uint64(sum[:8]))},
		{Name: "upper", Value: component.U64(binary.LittleEndian.Uint64(sum[8:]))},
	}
}

func stringArg(args []component.Value, i int) (string, error) {
	if i >= len(args) {
		return "", fmt.Errorf("missing argument %d", i)
	}
	s, ok := args[i].(component.String)
	if !ok {
		return "", fmt.Errorf("argument %d: expected a string, got %T", i, args[i])
	}
	return string(s), nil
}

func flagsArg(args []component.Value, i int) (component.Flags, error) {
	if i >= len(args) {
		return nil, fmt.Errorf("missing argument %d", i)
	}
	f, ok := args[i].(component.Flags)
	if !ok {
		return nil, fmt.Errorf("argument %d: expected flags, got %T", i, args[i])
	}
	return f, nil
}

// ---- the interfaces ----

func (h *host) filesystemTypes() *iface {
	in := h.newIface("wasi:filesystem/types", kindDescriptor, kindDirectoryEntryStream,
		kindInputStream, kindOutputStream, kindError)
	for _, m := range descriptorMethods {
		in.funcs["[method]descriptor."+m] = func(ctx context.Context, args []component.Value) (component.Value, error) {
			if _, err := resourceArg[*descriptor](h, args, 0, kindDescriptor); err != nil {
				return nil, err
			}
			return component.Err(component.Enum("unsupported")), nil
		}
	}
	// def defines a descriptor method that returns result<T, error-code>:
	// an *fsError of fn is the error-code, another error traps.
	def := func(name string, fn func(ctx context.Context, d *descriptor, args []component.Value) (component.Value, error)) {
		in.funcs["[method]descriptor."+name] = func(ctx context.Context, args []component.Value) (component.Value, error) {
			d, err := resourceArg[*descriptor](h, args, 0, kindDescriptor)
			if err != nil {
				return nil, err
			}
			v, err := fn(ctx, d, args)
			var fe *fsError
			if errors.As(err, &fe) {
				return component.Err(component.Enum(fe.code)), nil
			}
			if err != nil {
				return nil, err
			}
			return component.Ok(v), nil
		}
	}
	h.defineDescriptor(def)

	in.funcs["[method]descriptor.is-same-object"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		a, err := resourceArg[*descriptor](h, args, 0, kindDescriptor)
		if err != nil {
			return nil, err
		}
		b, err := resourceArg[*descriptor](h, args, 1, kindDescriptor)
		if err != nil {
			return nil, err
		}
		if a == b {
			return component.Bool(true), nil
		}
		fa, err1 := a.f.Stat()
		fb, err2 := b.f.Stat()
		return component.Bool(err1 == nil && err2 == nil && os.SameFile(fa, fb)), nil
	}
	in.funcs["[method]directory-entry-stream.read-directory-entry"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		s, err := resourceArg[*dirStream](h, args, 0, kindDirectoryEntryStream)
		if err != nil {
			return nil, err
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		e, err := s.next()
		if err != nil {
			return component.Err(component.Enum(errorCode(err))), nil
		}
		if e == nil {
			return component.Ok(component.None), nil
		}
		return component.Ok(component.Some(component.Record{
			{Name: "type", Value: component.Enum(descType(e.Type()))},
			{Name: "name", Value: component.String(e.Name())},
		})), nil
	}
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

func (h *host) defineDescriptor(def func(string, func(context.Context, *descriptor, []component.Value) (component.Value, error))) {
	def("read-via-stream", func(ctx context.Context, d *descriptor, args []component.Value) (component.Value, error) {
		off, err := u64Arg(args, 1)
		if err != nil {
			return nil, err
		}
		if err := d.mayRead(); err != nil {
			return nil, err
		}
		return h.newResource(kindInputStream, &inputStream{src: &fileSource{f: d.f, off: int64(min(off, 1<<63-1))}})
	})
	def("write-via-stream", func(ctx context.Context, d *descriptor, args []component.Value) (component.Value, error) {
		off, err := u64Arg(args, 1)
		if err != nil {
			return nil, err
		}
		if err := d.mayWrite(); err != nil {
			return nil, err
		}
		return h.newResource(kindOutputStream, &outputStream{dst: &fileSink{f: d.f, off: int64(min(off, 1<<63-1))}})
	})
	def("append-via-stream", func(ctx context.Context, d *descriptor, args []component.Value) (component.Value, error) {
		if err := d.mayWrite(); err != nil {
			return nil, err
		}
		return h.newResource(kindOutputStream, &outputStream{dst: &fileSink{f: d.f, append: true}})
	})
	sync := func(ctx context.Context, d *descriptor, args []component.Value) (component.Value, error) {
		if err := d.f.Sync(); err != nil && !d.dir {
			return nil, fail(err)
		}
		return nil, nil
	}
	def("sync", sync)
	def("sync-data", sync)
	def("get-flags", func(ctx context.Context, d *descriptor, args []component.Value) (component.Value, error) {
		fl := component.Flags{}
		if d.read {
			fl = append(fl, "read")
		}
		if d.write {
			fl = append(fl, "write")
		}
		if d.mutate {
			fl = append(fl, "mutate-directory")
		}
		return fl, nil
	})
	def("get-type", func(ctx context.Context, d *descriptor, args []component.Value) (component.Value, error) {
		fi, err := d.f.Stat()
		if err != nil {
			return nil, fail(err)
		}
		return component.Enum(descType(fi.Mode())), nil
	})
	def("set-size", func(ctx context.Context, d *descriptor, args []component.Value) (component.Value, error) {
		n, err := u64Arg(args, 1)
		if err != nil {
			return nil, err
		}
		if err := d.mayWrite(); err != nil {
			return nil, err
		}
		if n > 1<<63-1 {
			return nil, codeErr("file-too-large")
		}
		if err := d.f.Truncate(int64(n)); err != nil {
			return nil, fail(err)
		}
		return nil, nil
	})
	def("read", func(ctx context.Context, d *descriptor, args []component.Value) (component.Value, error) {
		n, err := u64Arg(args, 1)
		if err != nil {
			return nil, err
		}
		off, err := u64Arg(args, 2)
		if err != nil {
			return nil, err
		}
		if err := d.mayRead(); err != nil {
			return nil, err
		}
		if off > 1<<63-1 {
			return component.Tuple{bytesValue(nil), component.Bool(true)}, nil
		}
		b := make([]byte, clampLen(n, maxChunk))
		k, err := d.f.ReadAt(b, int64(off))
		if err != nil && err != io.EOF {
			return nil, fail(err)
		}
		return component.Tuple{bytesValue(b[:k]), component.Bool(err == io.EOF)}, nil
	})
	def("write", func(ctx context.Context, d *descriptor, args []component.Value) (component.Value, error) {
		b, err := bytesArg(args, 1)
		if err != nil {
			return nil, err
		}
		off, err := u64Arg(args, 2)
		if err != nil {
			return nil, err
		}
		if err := d.mayWrite(); err != nil {
			return nil, err
		}
		if off > 1<<63-1 {
			return nil, codeErr("file-too-large")
		}
		k, err := d.f.WriteAt(b, int64(off))
		if err != nil {
			return nil, fail(err)
		}
		return component.U64(k), nil
	})
	def("read-directory", func(ctx context.Context, d *descriptor, args []component.Value) (component.Value, error) {
		if !d.dir {
			return nil, codeErr("not-directory")
		}
		if h.openFiles.Add(1) > maxOpenFiles {
			h.openFiles.Add(-1)
			return nil, &fsError{code: "insufficient-memory", err: fmt.Errorf("more than %d open files", maxOpenFiles)}
		}
		f, err := d.pre.root.Open(d.rel)
		if err != nil {
			h.openFiles.Add(-1)
			return nil, fail(err)
		}
		v, err := h.newResource(kindDirectoryEntryStream, &dirStream{f: f, open: &h.openFiles})
		if err != nil {
			f.Close()
			h.openFiles.Add(-1)
		}
		return v, err
	})
	def("create-directory-at", func(ctx context.Context, d *descriptor, args []component.Value) (component.Value, error) {
		p, err := h.pathArg(d, args, 1)
		if err != nil {
			return nil, err
		}
		if err := d.mayMutate(); err != nil {
			return nil, err
		}
		return nil, failIf(d.pre.root.Mkdir(p, 0o777))
	})
	def("stat", func(ctx context.Context, d *descriptor, args []component.Value) (component.Value, error) {
		fi, err := d.f.Stat()
		if err != nil {
			return nil, fail(err)
		}
		return statValue(fi), nil
	})
	def("stat-at", func(ctx context.Context, d *descriptor, args []component.Value) (component.Value, error) {
		fi, err := h.statAt(d, args)
		if err != nil {
			return nil, err
		}
		return statValue(fi), nil
	})
	def("metadata-hash", func(ctx context.Context, d *descriptor, args []component.Value) (component.Value, error) {
		fi, err := d.f.Stat()
		if err != nil {
			return nil, fail(err)
		}
		return metadataHash(fi), nil
	})
	def("metadata-hash-at", func(ctx context.Context, d *descriptor, args []component.Value) (component.Value, error) {
		fi, err := h.statAt(d, args)
		if err != nil {
			return nil, err
		}
		return metadataHash(fi), nil
	})
	def("symlink-at", func(ctx context.Context, d *descriptor, args []component.Value) (component.Value, error) {
		// (old-path: the link's target, new-path: the link). The target is
		// not resolved now, but one that is absolute or climbs out of the
		// preopen is refused: os.Root would never follow it, a process
		// outside the sandbox might (as for preview1's path_symlink).
		target, err := stringArg(args, 1)
		if err != nil {
			return nil, err
		}
		link, err := h.pathArg(d, args, 2)
		if err != nil {
			return nil, err
		}
		if err := d.mayMutate(); err != nil {
			return nil, err
		}
		if !symlinkStaysInside(target, link) {
			return nil, codeErr("not-permitted")
		}
		return nil, failIf(d.pre.root.Symlink(target, link))
	})
	def("link-at", func(ctx context.Context, d *descriptor, args []component.Value) (component.Value, error) {
		if _, err := flagsArg(args, 1); err != nil {
			return nil, err
		}
		old, nw, err := h.pathPair(d, args, 2)
		if err != nil {
			return nil, err
		}
		return nil, failIf(d.pre.root.Link(old, nw))
	})
	def("open-at", func(ctx context.Context, d *descriptor, args []component.Value) (component.Value, error) {
		pf, err := flagsArg(args, 1)
		if err != nil {
			return nil, err
		}
		p, err := h.pathArg(d, args, 2)
		if err != nil {
			return nil, err
		}
		of, err := flagsArg(args, 3)
		if err != nil {
			return nil, err
		}
		df, err := flagsArg(args, 4)
		if err != nil {
			return nil, err
		}
		return h.openAt(d, p, slices.Contains(pf, "symlink-follow"), of, df)
	})
	def("readlink-at", func(ctx context.Context, d *descriptor, args []component.Value) (component.Value, error) {
		p, err := h.pathArg(d, args, 1)
		if err != nil {
			return nil, err
		}
		s, err := d.pre.root.Readlink(p)
		if err != nil {
			return nil, fail(err)
		}
		return component.String(filepath.ToSlash(s)), nil
	})
	def("remove-directory-at", func(ctx context.Context, d *descriptor, args []component.Value) (component.Value, error) {
		p, err := h.pathArg(d, args, 1)
		if err != nil {
			return nil, err
		}
		if err := d.mayMutate(); err != nil {
			return nil, err
		}
		fi, err := d.pre.root.Lstat(p)
		if err != nil {
			return nil, fail(err)
		}
		if !fi.IsDir() {
			return nil, codeErr("not-directory")
		}
		return nil, failIf(d.pre.root.Remove(p))
	})
	def("unlink-file-at", func(ctx context.Context, d *descriptor, args []component.Value) (component.Value, error) {
		p, err := h.pathArg(d, args, 1)
		if err != nil {
			return nil, err
		}
		if err := d.mayMutate(); err != nil {
			return nil, err
		}
		fi, err := d.pre.root.Lstat(p)
		if err != nil {
			return nil, fail(err)
		}
		if fi.IsDir() {
			return nil, codeErr("is-directory")
		}
		return nil, failIf(d.pre.root.Remove(p))
	})
	def("rename-at", func(ctx context.Context, d *descriptor, args []component.Value) (component.Value, error) {
		if err := d.mayMutate(); err != nil {
			return nil, err
		}
		old, nw, err := h.pathPair(d, args, 1)
		if err != nil {
			return nil, err
		}
		return nil, failIf(d.pre.root.Rename(old, nw))
	})
}

// pathPair reads the (old-path, new-descriptor, new-path) arguments of
// link-at and rename-at starting at args[i]. Both paths must resolve inside
// the same preopen (os.Root cannot link or rename across roots), and the new
// descriptor must allow mutation.
func (h *host) pathPair(d *descriptor, args []component.Value, i int) (old, nw string, err error) {
	if old, err = h.pathArg(d, args, i); err != nil {
		return "", "", err
	}
	nd, err := resourceArg[*descriptor](h, args, i+1, kindDescriptor)
	if err != nil {
		return "", "", err
	}
	if nw, err = h.pathArg(nd, args, i+2); err != nil {
		return "", "", err
	}
	if err := nd.mayMutate(); err != nil {
		return "", "", err
	}
	if nd.pre != d.pre {
		return "", "", codeErr("cross-device")
	}
	return old, nw, nil
}

func failIf(err error) error {
	if err != nil {
		return fail(err)
	}
	return nil
}

// pathArg returns the path args[i], relative to d, inside d's preopen.
func (h *host) pathArg(d *descriptor, args []component.Value, i int) (string, error) {
	p, err := stringArg(args, i)
	if err != nil {
		return "", err
	}
	return d.resolve(p)
}

// statAt is stat-at and metadata-hash-at: (path-flags, path).
func (h *host) statAt(d *descriptor, args []component.Value) (fs.FileInfo, error) {
	pf, err := flagsArg(args, 1)
	if err != nil {
		return nil, err
	}
	p, err := h.pathArg(d, args, 2)
	if err != nil {
		return nil, err
	}
	var fi fs.FileInfo
	if slices.Contains(pf, "symlink-follow") {
		fi, err = d.pre.root.Stat(p)
	} else {
		fi, err = d.pre.root.Lstat(p)
	}
	if err != nil {
		return nil, fail(err)
	}
	return fi, nil
}

func (h *host) openAt(d *descriptor, p string, follow bool, of, df component.Flags) (component.Value, error) {
	create, excl := slices.Contains(of, "create"), slices.Contains(of, "exclusive")
	trunc, wantDir := slices.Contains(of, "truncate"), slices.Contains(of, "directory")
	read, write := slices.Contains(df, "read"), slices.Contains(df, "write")
	// mutate-directory is not checked: a directory opened from a mutable
	// one is mutable (asked for or not), from an immutable one it is not,
	// and asking does not fail — its changes do.
	if write || create || trunc {
		if err := d.mayMutate(); err != nil {
			return nil, err
		}
	}
	if !follow {
		if fi, err := d.pre.root.Lstat(p); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return nil, codeErr("loop")
		}
	}
	flag := os.O_RDONLY
	if write {
		flag = os.O_WRONLY
		if read {
			flag = os.O_RDWR
		}
	}
	if create {
		flag |= os.O_CREATE
		if excl {
			flag |= os.O_EXCL
		}
	}
	if trunc {
		flag |= os.O_TRUNC
	}
	if h.openFiles.Add(1) > maxOpenFiles {
		h.openFiles.Add(-1)
		return nil, &fsError{code: "insufficient-memory", err: fmt.Errorf("more than %d open files", maxOpenFiles)}
	}
	f, err := d.pre.root.OpenFile(p, flag, 0o666)
	if err != nil {
		h.openFiles.Add(-1)
		return nil, fail(err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		h.openFiles.Add(-1)
		return nil, fail(err)
	}
	if wantDir && !fi.IsDir() {
		f.Close()
		h.openFiles.Add(-1)
		return nil, codeErr("not-directory")
	}
	nd := &descriptor{pre: d.pre, rel: p, f: f, dir: fi.IsDir(), read: read, write: write && !fi.IsDir(), open: &h.openFiles}
	nd.mutate = nd.dir && d.mutate && !d.pre.readOnly
	v, err := h.newResource(kindDescriptor, nd)
	if err != nil {
		f.Close()
		h.openFiles.Add(-1)
	}
	return v, err
}

func (h *host) filesystemPreopens() *iface {
	in := h.newIface("wasi:filesystem/preopens", kindDescriptor)
	in.funcs["get-directories"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		l := component.List{}
		for _, p := range h.preopens {
			v, err := h.newResource(kindDescriptor, p.desc)
			if err != nil {
				return nil, err
			}
			l = append(l, component.Tuple{v, component.String(p.guest)})
		}
		return l, nil
	}
	return in
}

//go:build unix

package wasi

import (
	"errors"
	"io/fs"
	"syscall"
	"time"
)

// errnos maps the errors of Unix system calls to wasi:filesystem
// error-codes (a list, since some errnos are equal on some systems).
var errnos = []struct {
	errno syscall.Errno
	code  string
}{
	{syscall.EACCES, "access"}, {syscall.EAGAIN, "would-block"}, {syscall.EALREADY, "already"},
	{syscall.EBADF, "bad-descriptor"}, {syscall.EBUSY, "busy"}, {syscall.EDEADLK, "deadlock"},
	{syscall.EDQUOT, "quota"}, {syscall.EEXIST, "exist"}, {syscall.EFBIG, "file-too-large"},
	{syscall.EILSEQ, "illegal-byte-sequence"}, {syscall.EINPROGRESS, "in-progress"},
	{syscall.EINTR, "interrupted"}, {syscall.EINVAL, "invalid"}, {syscall.EIO, "io"},
	{syscall.EISDIR, "is-directory"}, {syscall.ELOOP, "loop"}, {syscall.EMLINK, "too-many-links"},
	{syscall.EMSGSIZE, "message-size"}, {syscall.ENAMETOOLONG, "name-too-long"},
	{syscall.ENODEV, "no-device"}, {syscall.ENOENT, "no-entry"}, {syscall.ENOLCK, "no-lock"},
	{syscall.ENOMEM, "insufficient-memory"}, {syscall.ENOSPC, "insufficient-space"},
	{syscall.ENOTDIR, "not-directory"}, {syscall.ENOTEMPTY, "not-empty"},
	{syscall.ENOTSUP, "unsupported"}, {syscall.EOPNOTSUPP, "unsupported"}, {syscall.ENOSYS, "unsupported"},
	{syscall.ENOTTY, "no-tty"}, {syscall.ENXIO, "no-such-device"}, {syscall.EOVERFLOW, "overflow"},
	{syscall.EPERM, "not-permitted"}, {syscall.EPIPE, "pipe"}, {syscall.EROFS, "read-only"},
	{syscall.ESPIPE, "invalid-seek"}, {syscall.ETXTBSY, "text-file-busy"}, {syscall.EXDEV, "cross-device"},
}

func errnoCode(err error) string {
	var e syscall.Errno
	if !errors.As(err, &e) {
		return ""
	}
	for _, m := range errnos {
		if m.errno == e {
			return m.code
		}
	}
	return ""
}

// sysStat is what a FileInfo knows beyond fs.FileInfo.
type sysStat struct {
	nlink, dev, ino uint64
	times           bool // atime and ctime are known
	atime, ctime    time.Time
}

func statSys(fi fs.FileInfo) sysStat {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return sysStat{nlink: 1}
	}
	s := sysStat{nlink: uint64(st.Nlink), dev: uint64(st.Dev), ino: uint64(st.Ino)}
	s.atime, s.ctime, s.times = statTimes(st)
	return s
}

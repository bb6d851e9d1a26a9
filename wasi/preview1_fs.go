package wasi

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	experimentalsys "github.com/tetratelabs/wazero/experimental/sys"
	"github.com/tetratelabs/wazero/sys"
)

// The directories a Config preopens, for core-module plugins: a wazero
// file system (experimental/sys.FS) over the preopen's os.Root, mounted
// with sysfs.FSConfig.WithSysFSMount. wazero's preview1 functions clean
// every path a guest names and refuse an absolute one or one that climbs
// out with `..` (EPERM) before this file system sees it; os.Root then
// resolves it, so that no symbolic link, relative or absolute, leads out of
// the preopen either (EPERM, as wazero answers an escape). The same type
// serves read-only preopens: every change fails with EROFS (the WASI 0.2
// host's `read-only`).
//
// Choices beyond what os.Root does by itself:
//
//   - Symlink refuses (EPERM) a target that is absolute or that climbs out
//     of the preopen from the link's directory (checked lexically): os.Root
//     would never follow such a link, and the host, which is not confined,
//     might. A link whose target only escapes through other links is
//     created (the guest still cannot follow it out).
//   - O_NOFOLLOW (a path_open without lookupflags.symlink_follow) fails
//     with ELOOP when the last element is a link; os.Root's OpenFile would
//     follow it (inside the preopen only).
//   - A file's SetAppend reopens it by its path, as wazero's own files do,
//     and a file's Utimens sets the times by its path: both fail with
//     ENOENT when that path no longer names the file.
//   - O_NONBLOCK is recorded and reported but changes nothing: it has no
//     effect on regular files and directories, the only files here.
//   - Rmdir and Unlink look at what the path names first (os.Root's Remove
//     removes either): ENOTDIR, EISDIR. What changes in between is still
//     inside the preopen.
//   - Pwrite on a file in append mode is EINVAL (os.File refuses it);
//     Datasync is a Sync.
//   - Open files count against the WASI context's maxOpenFiles, as
//     wasi:filesystem's descriptors do (the preopens' own directories,
//     which wazero opens once each, count too): beyond, OpenFile fails
//     with EIO, wazero's Errno having no EMFILE or ENOMEM.
//
// Errors: os.Root's "path escapes from parent" is EPERM; every other
// error is mapped by wazero's experimental/sys.UnwrapOSError (whose
// Errno has no EXDEV, ENOSPC, …: those are EIO).

// rootFS is a preopen's os.Root as a wazero file system.
type rootFS struct {
	root     *os.Root
	readOnly bool
	open     *atomic.Int32 // the context's count of open files (maxOpenFiles); nil: no bound
}

var _ experimentalsys.FS = (*rootFS)(nil)

// newRootFS returns the wazero file system of a preopen's root; open, if
// not nil, counts the files open (maxOpenFiles).
func newRootFS(root *os.Root, readOnly bool, open *atomic.Int32) *rootFS {
	return &rootFS{root: root, readOnly: readOnly, open: open}
}

func (r *rootFS) String() string { return r.root.Name() }

// errnoOf maps a Go error of an os.Root or os.File call to an Errno.
func errnoOf(err error) experimentalsys.Errno {
	if err == nil {
		return 0
	}
	if strings.Contains(err.Error(), "path escapes from parent") {
		return experimentalsys.EPERM
	}
	return experimentalsys.UnwrapOSError(err)
}

// rootPath is the path p names inside the root ("" and "/" are the root).
func rootPath(p string) string {
	if p == "" || p == "/" {
		return "."
	}
	return p
}

// osFlags converts wazero's open flags to os.OpenFile's.
func osFlags(flag experimentalsys.Oflag) int {
	var f int
	switch flag & (experimentalsys.O_RDWR | experimentalsys.O_WRONLY) {
	case experimentalsys.O_RDWR:
		f = os.O_RDWR
	case experimentalsys.O_WRONLY:
		f = os.O_WRONLY
	default:
		f = os.O_RDONLY
	}
	if flag&experimentalsys.O_APPEND != 0 {
		f |= os.O_APPEND
	}
	if flag&experimentalsys.O_CREAT != 0 {
		f |= os.O_CREATE
	}
	if flag&experimentalsys.O_EXCL != 0 {
		f |= os.O_EXCL
	}
	if flag&experimentalsys.O_TRUNC != 0 {
		f |= os.O_TRUNC
	}
	if flag&(experimentalsys.O_SYNC|experimentalsys.O_DSYNC|experimentalsys.O_RSYNC) != 0 {
		f |= os.O_SYNC // the strongest of the three, which Go has everywhere
	}
	return f
}

// writes reports whether opening with flag may change the file system.
func writes(flag experimentalsys.Oflag) bool {
	return flag&(experimentalsys.O_RDWR|experimentalsys.O_WRONLY|experimentalsys.O_CREAT|
		experimentalsys.O_TRUNC|experimentalsys.O_APPEND) != 0
}

// OpenFile implements experimentalsys.FS.
func (r *rootFS) OpenFile(p string, flag experimentalsys.Oflag, perm fs.FileMode) (experimentalsys.File, experimentalsys.Errno) {
	p = rootPath(p)
	isDir := flag&experimentalsys.O_DIRECTORY != 0
	if isDir && flag&(experimentalsys.O_RDWR|experimentalsys.O_WRONLY) != 0 {
		return nil, experimentalsys.EISDIR
	}
	if r.readOnly && writes(flag) {
		return nil, experimentalsys.EROFS
	}
	if flag&experimentalsys.O_NOFOLLOW != 0 && !strings.HasSuffix(p, "/") {
		if fi, err := r.root.Lstat(p); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			if flag&(experimentalsys.O_CREAT|experimentalsys.O_EXCL) == experimentalsys.O_CREAT|experimentalsys.O_EXCL {
				return nil, experimentalsys.EEXIST
			}
			return nil, experimentalsys.ELOOP
		}
	}
	if r.open != nil && r.open.Add(1) > maxOpenFiles {
		r.open.Add(-1)
		return nil, experimentalsys.EIO
	}
	f, err := r.root.OpenFile(p, osFlags(flag), perm)
	if err != nil {
		r.release()
		return nil, errnoOf(err)
	}
	rf := &rootFile{fs: r, path: p, flag: flag, perm: perm, f: f}
	if isDir {
		dir, errno := rf.IsDir()
		if errno == 0 && !dir {
			errno = experimentalsys.ENOTDIR
		}
		if errno != 0 {
			rf.Close()
			return nil, errno
		}
	}
	return rf, 0
}

// release counts a file closed.
func (r *rootFS) release() {
	if r.open != nil {
		r.open.Add(-1)
	}
}

// Lstat implements experimentalsys.FS.
func (r *rootFS) Lstat(p string) (sys.Stat_t, experimentalsys.Errno) {
	fi, err := r.root.Lstat(rootPath(p))
	if err != nil {
		return sys.Stat_t{}, errnoOf(err)
	}
	return sys.NewStat_t(fi), 0
}

// Stat implements experimentalsys.FS.
func (r *rootFS) Stat(p string) (sys.Stat_t, experimentalsys.Errno) {
	fi, err := r.root.Stat(rootPath(p))
	if err != nil {
		return sys.Stat_t{}, errnoOf(err)
	}
	return sys.NewStat_t(fi), 0
}

// Mkdir implements experimentalsys.FS.
func (r *rootFS) Mkdir(p string, perm fs.FileMode) experimentalsys.Errno {
	if r.readOnly {
		return experimentalsys.EROFS
	}
	errno := errnoOf(r.root.Mkdir(rootPath(p), perm))
	if errno == experimentalsys.ENOTDIR { // as wazero's own directory mount
		errno = experimentalsys.ENOENT
	}
	return errno
}

// Chmod implements experimentalsys.FS.
func (r *rootFS) Chmod(p string, perm fs.FileMode) experimentalsys.Errno {
	if r.readOnly {
		return experimentalsys.EROFS
	}
	return errnoOf(r.root.Chmod(rootPath(p), perm))
}

// Rename implements experimentalsys.FS.
func (r *rootFS) Rename(from, to string) experimentalsys.Errno {
	if r.readOnly {
		return experimentalsys.EROFS
	}
	from, to = rootPath(from), rootPath(to)
	if from == to {
		return 0
	}
	return errnoOf(r.root.Rename(from, to))
}

// Rmdir implements experimentalsys.FS: os.Root's Remove removes files as
// well, so what p names is checked first.
func (r *rootFS) Rmdir(p string) experimentalsys.Errno {
	if r.readOnly {
		return experimentalsys.EROFS
	}
	p = rootPath(p)
	fi, err := r.root.Lstat(p)
	if err != nil {
		return errnoOf(err)
	}
	if !fi.IsDir() {
		return experimentalsys.ENOTDIR
	}
	return errnoOf(r.root.Remove(p))
}

// Unlink implements experimentalsys.FS: a directory is EISDIR.
func (r *rootFS) Unlink(p string) experimentalsys.Errno {
	if r.readOnly {
		return experimentalsys.EROFS
	}
	p = rootPath(p)
	fi, err := r.root.Lstat(p)
	if err != nil {
		return errnoOf(err)
	}
	if fi.IsDir() {
		return experimentalsys.EISDIR
	}
	return errnoOf(r.root.Remove(p))
}

// Link implements experimentalsys.FS. Both paths are resolved in the root;
// a link named as oldPath is linked itself, not followed.
func (r *rootFS) Link(oldPath, newPath string) experimentalsys.Errno {
	if r.readOnly {
		return experimentalsys.EROFS
	}
	return errnoOf(r.root.Link(rootPath(oldPath), rootPath(newPath)))
}

// Symlink implements experimentalsys.FS. target is not resolved now (a
// link is resolved when followed, relative to its directory), but one that
// is absolute or climbs out of the root is refused: see above.
func (r *rootFS) Symlink(target, link string) experimentalsys.Errno {
	if r.readOnly {
		return experimentalsys.EROFS
	}
	link = rootPath(link)
	if !symlinkStaysInside(target, link) {
		return experimentalsys.EPERM
	}
	return errnoOf(r.root.Symlink(target, link))
}

// symlinkStaysInside reports whether the target of a link named link
// (both slash paths, link relative to the root) stays inside the root,
// lexically.
func symlinkStaysInside(target, link string) bool {
	if target == "" || path.IsAbs(target) || strings.ContainsRune(target, 0) ||
		runtime.GOOS == "windows" && strings.ContainsAny(target, `\:`) { // separators and volumes there
		return false
	}
	return fs.ValidPath(path.Join(path.Dir(strings.TrimSuffix(link, "/")), target))
}

// Readlink implements experimentalsys.FS.
func (r *rootFS) Readlink(p string) (string, experimentalsys.Errno) {
	target, err := r.root.Readlink(rootPath(p))
	if err != nil {
		return "", errnoOf(err)
	}
	return target, 0
}

// Utimens implements experimentalsys.FS: it follows a link, inside the
// root.
func (r *rootFS) Utimens(p string, atim, mtim int64) experimentalsys.Errno {
	if r.readOnly {
		return experimentalsys.EROFS
	}
	return errnoOf(r.root.Chtimes(rootPath(p), timeOf(atim), timeOf(mtim)))
}

// timeOf converts a time of Utimens to one of os.Chtimes: UTIME_OMIT is
// the zero time, which Chtimes leaves unchanged.
func timeOf(nanos int64) time.Time {
	if nanos == experimentalsys.UTIME_OMIT {
		return time.Time{}
	}
	return time.Unix(0, nanos)
}

// rootFile is a file or directory opened by a rootFS.
type rootFile struct {
	fs     *rootFS
	path   string // in fs.root, as opened
	flag   experimentalsys.Oflag
	perm   fs.FileMode
	f      *os.File
	closed bool

	nonblock bool

	statted bool // dev, ino and isDir are known
	dev     uint64
	ino     sys.Inode
	isDir   bool
}

var _ experimentalsys.PollableFile = (*rootFile)(nil)

// fileErr is errno unless the file is closed (EBADF).
func (f *rootFile) fileErr(errno experimentalsys.Errno) experimentalsys.Errno {
	if f.closed {
		return experimentalsys.EBADF
	}
	return errno
}

func (f *rootFile) cached() experimentalsys.Errno {
	if !f.statted {
		if _, errno := f.Stat(); errno != 0 {
			return errno
		}
	}
	return 0
}

// Dev implements experimentalsys.File.
func (f *rootFile) Dev() (uint64, experimentalsys.Errno) {
	errno := f.cached()
	return f.dev, errno
}

// Ino implements experimentalsys.File.
func (f *rootFile) Ino() (sys.Inode, experimentalsys.Errno) {
	errno := f.cached()
	return f.ino, errno
}

// IsDir implements experimentalsys.File.
func (f *rootFile) IsDir() (bool, experimentalsys.Errno) {
	errno := f.cached()
	return f.isDir, errno
}

// IsAppend implements experimentalsys.File.
func (f *rootFile) IsAppend() bool { return f.flag&experimentalsys.O_APPEND != 0 }

// SetAppend implements experimentalsys.File. An os.File's append mode is
// fixed when it is opened, so the file is reopened by its path, at the
// same offset; the path must still name the same file.
func (f *rootFile) SetAppend(enable bool) experimentalsys.Errno {
	if f.closed {
		return experimentalsys.EBADF
	}
	if enable == f.IsAppend() {
		return 0
	}
	if isDir, errno := f.IsDir(); errno != 0 {
		return errno
	} else if isDir {
		return experimentalsys.EISDIR
	}
	if f.fs.readOnly && enable {
		return experimentalsys.EROFS
	}
	flag := f.flag &^ (experimentalsys.O_CREAT | experimentalsys.O_EXCL | experimentalsys.O_TRUNC | experimentalsys.O_APPEND)
	if enable {
		flag |= experimentalsys.O_APPEND
	}
	off, err := f.f.Seek(0, io.SeekCurrent)
	if err != nil {
		return errnoOf(err)
	}
	nf, err := f.fs.root.OpenFile(f.path, osFlags(flag), 0)
	if err != nil {
		return errnoOf(err)
	}
	if errno := sameFile(f.f, nf); errno != 0 {
		nf.Close()
		return errno
	}
	if _, err := nf.Seek(off, io.SeekStart); err != nil {
		nf.Close()
		return errnoOf(err)
	}
	f.f.Close()
	f.f, f.flag = nf, flag
	return 0
}

// sameFile is ENOENT unless a and b are the same file.
func sameFile(a, b *os.File) experimentalsys.Errno {
	ai, err := a.Stat()
	if err != nil {
		return errnoOf(err)
	}
	bi, err := b.Stat()
	if err != nil {
		return errnoOf(err)
	}
	if !os.SameFile(ai, bi) {
		return experimentalsys.ENOENT
	}
	return 0
}

// IsNonblock implements experimentalsys.PollableFile.
func (f *rootFile) IsNonblock() bool { return f.nonblock }

// SetNonblock implements experimentalsys.PollableFile: recorded only (see
// above).
func (f *rootFile) SetNonblock(enable bool) experimentalsys.Errno {
	if f.closed {
		return experimentalsys.EBADF
	}
	f.nonblock = enable
	return 0
}

// Poll implements experimentalsys.Pollable: regular files and directories
// are always ready.
func (f *rootFile) Poll(experimentalsys.Pflag, int32) (bool, experimentalsys.Errno) {
	if f.closed {
		return false, experimentalsys.EBADF
	}
	return true, 0
}

// Stat implements experimentalsys.File.
func (f *rootFile) Stat() (sys.Stat_t, experimentalsys.Errno) {
	if f.closed {
		return sys.Stat_t{}, experimentalsys.EBADF
	}
	fi, err := f.f.Stat()
	if err != nil {
		return sys.Stat_t{}, errnoOf(err)
	}
	st := sys.NewStat_t(fi)
	f.statted, f.dev, f.ino, f.isDir = true, st.Dev, st.Ino, fi.IsDir()
	return st, 0
}

// notDir is EBADF on a closed file, EISDIR on a directory.
func (f *rootFile) notDir() experimentalsys.Errno {
	if f.closed {
		return experimentalsys.EBADF
	}
	if isDir, errno := f.IsDir(); errno != 0 {
		return errno
	} else if isDir {
		return experimentalsys.EISDIR
	}
	return 0
}

// Read implements experimentalsys.File.
func (f *rootFile) Read(buf []byte) (int, experimentalsys.Errno) {
	if errno := f.notDir(); errno != 0 {
		return 0, errno
	}
	if len(buf) == 0 {
		return 0, 0
	}
	n, err := f.f.Read(buf)
	return n, f.fileErr(errnoOf(err)) // io.EOF is 0
}

// Pread implements experimentalsys.File.
func (f *rootFile) Pread(buf []byte, off int64) (int, experimentalsys.Errno) {
	if errno := f.notDir(); errno != 0 {
		return 0, errno
	}
	if off < 0 {
		return 0, experimentalsys.EINVAL
	}
	if len(buf) == 0 {
		return 0, 0
	}
	n, err := f.f.ReadAt(buf, off)
	return n, f.fileErr(errnoOf(err))
}

// Seek implements experimentalsys.File. Seeking a directory to its start
// rewinds it (Readdir starts over, seeing entries added since); where the
// system cannot seek directories, the directory is reopened.
func (f *rootFile) Seek(offset fileOffset, whence int) (int64, experimentalsys.Errno) {
	if f.closed {
		return 0, experimentalsys.EBADF
	}
	if uint(whence) > io.SeekEnd {
		return 0, experimentalsys.EINVAL
	}
	isDir, errno := f.IsDir()
	if errno != 0 {
		return 0, errno
	}
	if isDir && (offset != 0 || whence != io.SeekStart) {
		return 0, experimentalsys.EISDIR
	}
	n, err := f.f.Seek(offset, whence)
	if err != nil && isDir {
		return 0, f.reopenDir()
	}
	return n, errnoOf(err)
}

// fileOffset is int64, named so that go vet does not take Seek for
// io.Seeker's.
type fileOffset = int64

// reopenDir opens the directory anew by its path (a rewind).
func (f *rootFile) reopenDir() experimentalsys.Errno {
	nf, err := f.fs.root.Open(f.path)
	if err != nil {
		return errnoOf(err)
	}
	if errno := sameFile(f.f, nf); errno != 0 {
		nf.Close()
		return errno
	}
	f.f.Close()
	f.f = nf
	return 0
}

// Readdir implements experimentalsys.File: up to n entries (all when
// n <= 0), none at the end. Like os.File's, it leaves out `.` and `..`,
// which wazero's fd_readdir adds itself.
func (f *rootFile) Readdir(n int) ([]experimentalsys.Dirent, experimentalsys.Errno) {
	if f.closed {
		return nil, experimentalsys.EBADF
	}
	if isDir, errno := f.IsDir(); errno != 0 {
		return nil, errno
	} else if !isDir {
		return nil, experimentalsys.EBADF
	}
	fis, err := f.f.Readdir(n)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, errnoOf(err)
	}
	dirents := make([]experimentalsys.Dirent, 0, len(fis))
	for _, fi := range fis {
		dirents = append(dirents, experimentalsys.Dirent{Name: fi.Name(), Ino: sys.NewStat_t(fi).Ino, Type: fi.Mode().Type()})
	}
	return dirents, 0
}

// Write implements experimentalsys.File.
func (f *rootFile) Write(buf []byte) (int, experimentalsys.Errno) {
	if errno := f.notDir(); errno != 0 {
		return 0, errno
	}
	if len(buf) == 0 {
		return 0, 0
	}
	n, err := f.f.Write(buf)
	return n, f.fileErr(errnoOf(err))
}

// Pwrite implements experimentalsys.File. A file in append mode has no
// positioned writes (EINVAL), as Go's os.File.
func (f *rootFile) Pwrite(buf []byte, off int64) (int, experimentalsys.Errno) {
	if errno := f.notDir(); errno != 0 {
		return 0, errno
	}
	if off < 0 || f.IsAppend() {
		return 0, experimentalsys.EINVAL
	}
	if len(buf) == 0 {
		return 0, 0
	}
	n, err := f.f.WriteAt(buf, off)
	return n, f.fileErr(errnoOf(err))
}

// Truncate implements experimentalsys.File.
func (f *rootFile) Truncate(size int64) experimentalsys.Errno {
	if errno := f.notDir(); errno != 0 {
		return errno
	}
	if f.fs.readOnly {
		return experimentalsys.EROFS
	}
	if size < 0 {
		return experimentalsys.EINVAL
	}
	return f.fileErr(errnoOf(f.f.Truncate(size)))
}

// Sync implements experimentalsys.File.
func (f *rootFile) Sync() experimentalsys.Errno {
	if f.closed {
		return experimentalsys.EBADF
	}
	return errnoOf(f.f.Sync())
}

// Datasync implements experimentalsys.File (a Sync: Go has no fdatasync
// everywhere).
func (f *rootFile) Datasync() experimentalsys.Errno { return f.Sync() }

// Utimens implements experimentalsys.File, by the file's path in the root
// (os.File has no futimens), which must still name the file.
func (f *rootFile) Utimens(atim, mtim int64) experimentalsys.Errno {
	if f.closed {
		return experimentalsys.EBADF
	}
	if f.fs.readOnly {
		return experimentalsys.EROFS
	}
	cur, err := f.f.Stat()
	if err != nil {
		return errnoOf(err)
	}
	at, err := f.fs.root.Stat(f.path)
	if err != nil {
		return errnoOf(err)
	}
	if !os.SameFile(cur, at) {
		return experimentalsys.ENOENT
	}
	return errnoOf(f.fs.root.Chtimes(f.path, timeOf(atim), timeOf(mtim)))
}

// Close implements experimentalsys.File; closing twice is not an error.
func (f *rootFile) Close() experimentalsys.Errno {
	if f.closed {
		return 0
	}
	f.closed = true
	f.fs.release()
	return errnoOf(f.f.Close())
}

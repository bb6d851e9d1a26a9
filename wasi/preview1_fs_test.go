package wasi

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	experimentalsys "github.com/tetratelabs/wazero/experimental/sys"
)

// rootFSFixture makes, in a temporary directory, outside/secret.txt and
// root/ with a.txt, sub/, and links out of root: up (relative, to the
// secret), abs (absolute, to the secret), updir (relative, to outside/)
// and absdir (absolute, to outside/); and in, a link to a.txt.
func rootFSFixture(t *testing.T) (root *os.Root, rootDir, outside string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	tmp := t.TempDir()
	outside = filepath.Join(tmp, "outside")
	rootDir = filepath.Join(tmp, "root")
	for _, d := range []string{outside, rootDir, filepath.Join(rootDir, "sub")} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("secret"), 0o600))
	must(os.WriteFile(filepath.Join(rootDir, "a.txt"), []byte("aaa"), 0o644))
	must(os.Symlink("../outside/secret.txt", filepath.Join(rootDir, "up")))
	must(os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(rootDir, "abs")))
	must(os.Symlink("../outside", filepath.Join(rootDir, "updir")))
	must(os.Symlink(outside, filepath.Join(rootDir, "absdir")))
	must(os.Symlink("a.txt", filepath.Join(rootDir, "in")))
	r, err := os.OpenRoot(rootDir)
	must(err)
	t.Cleanup(func() { r.Close() })
	return r, rootDir, outside
}

func wantErrno(t *testing.T, what string, got, want experimentalsys.Errno) {
	t.Helper()
	if got != want {
		t.Errorf("%s: errno %v, want %v", what, got, want)
	}
}

// TestRootFSEscapes: no path, `..`, absolute path or link (relative or
// absolute) leads out of a rootFS, for any operation; the outside stays
// untouched.
func TestRootFSEscapes(t *testing.T) {
	root, rootDir, outside := rootFSFixture(t)
	r := newRootFS(root, false, nil)
	secret := filepath.Join(outside, "secret.txt")
	const (
		rd  = experimentalsys.O_RDONLY
		rw  = experimentalsys.O_RDWR
		cr  = experimentalsys.O_CREAT | experimentalsys.O_WRONLY
		crx = experimentalsys.O_CREAT | experimentalsys.O_EXCL | experimentalsys.O_WRONLY
		tr  = experimentalsys.O_TRUNC | experimentalsys.O_RDWR
		dir = experimentalsys.O_DIRECTORY
	)
	for _, tc := range []struct {
		path string
		flag experimentalsys.Oflag
	}{
		{"..", rd | dir}, {"../outside/secret.txt", rd}, {"sub/../../outside/secret.txt", rd},
		{secret, rd}, {"/etc/passwd", rd}, {outside, rd | dir},
		{"up", rd}, {"abs", rd}, {"updir", rd | dir}, {"absdir", rd | dir},
		{"updir/secret.txt", rd}, {"absdir/secret.txt", rd},
		{"up", rw}, {"up", tr}, {"abs", tr}, {"updir/secret.txt", tr},
		{"updir/new.txt", cr}, {"absdir/new.txt", crx}, {"../new.txt", cr}, {filepath.Join(outside, "new.txt"), cr},
	} {
		f, errno := r.OpenFile(tc.path, tc.flag, 0o644)
		if errno == 0 {
			f.Close()
		}
		wantErrno(t, "OpenFile("+tc.path+")", errno, experimentalsys.EPERM)
	}
	for _, p := range []string{"up", "abs", "updir", "absdir", "updir/secret.txt", "../outside", secret} {
		_, errno := r.Stat(p)
		wantErrno(t, "Stat("+p+")", errno, experimentalsys.EPERM)
		wantErrno(t, "Chmod("+p+")", r.Chmod(p, 0o777), experimentalsys.EPERM)
		wantErrno(t, "Utimens("+p+")", r.Utimens(p, 0, 0), experimentalsys.EPERM)
	}
	for _, p := range []string{"updir/secret.txt", "absdir/secret.txt", "../outside/secret.txt", secret} {
		_, errno := r.Lstat(p)
		wantErrno(t, "Lstat("+p+")", errno, experimentalsys.EPERM)
		wantErrno(t, "Unlink("+p+")", r.Unlink(p), experimentalsys.EPERM)
	}
	for _, p := range []string{"updir/d", "absdir/d", "../d", filepath.Join(outside, "d")} {
		wantErrno(t, "Mkdir("+p+")", r.Mkdir(p, 0o755), experimentalsys.EPERM)
	}
	wantErrno(t, "Rmdir(../outside)", r.Rmdir("../outside"), experimentalsys.EPERM)
	wantErrno(t, "Rmdir(updir)", r.Rmdir("updir"), experimentalsys.ENOTDIR) // the link itself
	for _, tc := range [][2]string{
		{"a.txt", "../moved"}, {"a.txt", "updir/moved"}, {"a.txt", "absdir/moved"},
		{"updir/secret.txt", "stolen"}, {"../outside/secret.txt", "stolen"}, {secret, "stolen"},
	} {
		wantErrno(t, "Rename("+tc[0]+", "+tc[1]+")", r.Rename(tc[0], tc[1]), experimentalsys.EPERM)
	}
	// Hard links to the outside: no path names an outside file.
	for _, tc := range [][2]string{
		{"../outside/secret.txt", "hl"}, {"updir/secret.txt", "hl"}, {"absdir/secret.txt", "hl"},
		{secret, "hl"}, {"a.txt", "updir/hl"}, {"a.txt", "../hl"},
	} {
		wantErrno(t, "Link("+tc[0]+", "+tc[1]+")", r.Link(tc[0], tc[1]), experimentalsys.EPERM)
	}
	// Linking a link links the link, which still cannot be followed out.
	if errno := r.Link("up", "up2"); errno == 0 {
		_, errno := r.OpenFile("up2", rd, 0)
		wantErrno(t, "OpenFile(a hard link to the link up)", errno, experimentalsys.EPERM)
	}
	// New links whose targets lead out are refused; links inside work.
	for _, tc := range [][2]string{
		{"../outside", "s"}, {"/etc", "s"}, {secret, "s"}, {"sub/../../outside", "s"},
		{"../a.txt", "s"}, {"../../outside", "sub/s"}, {"a.txt", "updir/s"}, {"a.txt", "../s"},
	} {
		wantErrno(t, "Symlink("+tc[0]+", "+tc[1]+")", r.Symlink(tc[0], tc[1]), experimentalsys.EPERM)
	}
	wantErrno(t, "Symlink(../a.txt, sub/s)", r.Symlink("../a.txt", "sub/s"), 0)
	if f, errno := r.OpenFile("sub/s", rd, 0); errno != 0 {
		t.Errorf("OpenFile(sub/s, a link to ../a.txt): %v", errno)
	} else {
		f.Close()
	}
	// Reading a link's text is no escape; removing a link removes the link.
	if target, errno := r.Readlink("up"); errno != 0 || target != "../outside/secret.txt" {
		t.Errorf("Readlink(up) = %q, %v", target, errno)
	}
	if st, errno := r.Lstat("abs"); errno != 0 || st.Mode&fs.ModeSymlink == 0 {
		t.Errorf("Lstat(abs) = %v, %v; want a link", st.Mode, errno)
	}
	wantErrno(t, "Unlink(up)", r.Unlink("up"), 0)
	wantErrno(t, "Unlink(absdir)", r.Unlink("absdir"), 0)

	// The outside is as it was.
	if b, err := os.ReadFile(secret); err != nil || string(b) != "secret" {
		t.Errorf("outside/secret.txt: %q, %v", b, err)
	}
	if fi, err := os.Stat(secret); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("outside/secret.txt mode %v, %v", fi.Mode(), err)
	}
	entries, _ := os.ReadDir(outside)
	if len(entries) != 1 {
		t.Errorf("outside holds %v, want secret.txt only", entries)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(rootDir), "moved")); err == nil {
		t.Error("a file was renamed out of the root")
	}
}

func TestRootFSReadWrite(t *testing.T) {
	root, rootDir, _ := rootFSFixture(t)
	r := newRootFS(root, false, nil)
	open := func(p string, flag experimentalsys.Oflag) experimentalsys.File {
		t.Helper()
		f, errno := r.OpenFile(p, flag, 0o644)
		if errno != 0 {
			t.Fatalf("OpenFile(%s, %v): %v", p, flag, errno)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	write := func(f experimentalsys.File, s string) {
		t.Helper()
		if n, errno := f.Write([]byte(s)); errno != 0 || n != len(s) {
			t.Fatalf("Write(%q) = %d, %v", s, n, errno)
		}
	}
	content := func(p string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(rootDir, p))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	// Create, write, read back.
	f := open("sub/new.txt", experimentalsys.O_CREAT|experimentalsys.O_EXCL|experimentalsys.O_RDWR)
	write(f, "hello")
	if _, errno := f.Seek(0, io.SeekStart); errno != 0 {
		t.Fatal(errno)
	}
	buf := make([]byte, 16)
	if n, errno := f.Read(buf); errno != 0 || string(buf[:n]) != "hello" {
		t.Errorf("Read = %q, %v", buf[:n], errno)
	}
	if n, errno := f.Read(buf); errno != 0 || n != 0 {
		t.Errorf("Read at the end = %d, %v; want 0, 0", n, errno)
	}
	if n, errno := f.Pwrite([]byte("J"), 0); errno != 0 || n != 1 {
		t.Errorf("Pwrite = %d, %v", n, errno)
	}
	if n, errno := f.Pread(buf[:3], 1); errno != 0 || string(buf[:n]) != "ell" {
		t.Errorf("Pread = %q, %v", buf[:n], errno)
	}
	if st, errno := f.Stat(); errno != 0 || st.Size != 5 || !st.Mode.IsRegular() {
		t.Errorf("Stat = %+v, %v", st, errno)
	}
	if dir, errno := f.IsDir(); errno != 0 || dir {
		t.Errorf("IsDir = %v, %v", dir, errno)
	}
	st, _ := r.Stat("sub/new.txt")
	if ino, errno := f.Ino(); errno != 0 || ino != st.Ino || ino == 0 {
		t.Errorf("Ino = %d, %v; Stat's %d", ino, errno, st.Ino)
	}
	if dev, errno := f.Dev(); errno != 0 || dev != st.Dev {
		t.Errorf("Dev = %d, %v; Stat's %d", dev, errno, st.Dev)
	}
	if content("sub/new.txt") != "Jello" {
		t.Errorf("content %q", content("sub/new.txt"))
	}
	_, errno := r.OpenFile("sub/new.txt", experimentalsys.O_CREAT|experimentalsys.O_EXCL|experimentalsys.O_RDWR, 0o644)
	wantErrno(t, "O_EXCL on an existing file", errno, experimentalsys.EEXIST)

	// Append, by flag and by SetAppend.
	a := open("sub/new.txt", experimentalsys.O_APPEND|experimentalsys.O_WRONLY)
	if !a.IsAppend() {
		t.Error("IsAppend false")
	}
	write(a, " world")
	wantErrno(t, "Pwrite in append mode", func() experimentalsys.Errno { _, e := a.Pwrite([]byte("x"), 0); return e }(), experimentalsys.EINVAL)
	wantErrno(t, "SetAppend(false)", a.SetAppend(false), 0)
	if _, errno := a.Seek(0, io.SeekStart); errno != 0 {
		t.Fatal(errno)
	}
	write(a, "Y")
	wantErrno(t, "SetAppend(true)", a.SetAppend(true), 0)
	write(a, "!")
	if got := content("sub/new.txt"); got != "Yello world!" {
		t.Errorf("after appends %q", got)
	}

	// Truncate, by flag and by Truncate.
	tr := open("sub/new.txt", experimentalsys.O_TRUNC|experimentalsys.O_RDWR)
	if st, _ := tr.Stat(); st.Size != 0 {
		t.Errorf("O_TRUNC: size %d", st.Size)
	}
	write(tr, "0123456789")
	wantErrno(t, "Truncate", tr.Truncate(4), 0)
	if st, _ := r.Stat("sub/new.txt"); st.Size != 4 {
		t.Errorf("Truncate(4): size %d", st.Size)
	}
	wantErrno(t, "Sync", tr.Sync(), 0)
	wantErrno(t, "Datasync", tr.Datasync(), 0)

	// Times.
	mtime := time.Date(2020, 1, 2, 3, 4, 5, 6, time.UTC).UnixNano()
	wantErrno(t, "Utimens", r.Utimens("sub/new.txt", experimentalsys.UTIME_OMIT, mtime), 0)
	if st, _ := r.Stat("sub/new.txt"); st.Mtim != mtime {
		t.Errorf("Utimens: mtim %d, want %d", st.Mtim, mtime)
	}
	wantErrno(t, "File.Utimens", tr.Utimens(mtime, experimentalsys.UTIME_OMIT), 0)
	if st, _ := r.Stat("sub/new.txt"); st.Atim != mtime || st.Mtim != mtime {
		t.Errorf("File.Utimens: atim %d mtim %d, want %d", st.Atim, st.Mtim, mtime)
	}
	wantErrno(t, "Chmod", r.Chmod("sub/new.txt", 0o600), 0)
	if st, _ := r.Stat("sub/new.txt"); st.Mode.Perm() != 0o600 {
		t.Errorf("Chmod: %v", st.Mode)
	}

	// Directories: mkdir, readdir (no . or ..; rewinding sees new entries),
	// rename, unlink, rmdir.
	wantErrno(t, "Mkdir", r.Mkdir("d", 0o755), 0)
	wantErrno(t, "Mkdir again", r.Mkdir("d", 0o755), experimentalsys.EEXIST)
	wantErrno(t, "Mkdir in a missing directory", r.Mkdir("nope/d", 0o755), experimentalsys.ENOENT)
	d := open("d", experimentalsys.O_RDONLY|experimentalsys.O_DIRECTORY)
	if des, errno := d.Readdir(-1); errno != 0 || len(des) != 0 {
		t.Errorf("Readdir of an empty directory = %v, %v", des, errno)
	}
	write(open("d/x", experimentalsys.O_CREAT|experimentalsys.O_WRONLY), "x")
	wantErrno(t, "Mkdir(d/y)", r.Mkdir("d/y", 0o755), 0)
	if _, errno := d.Seek(0, io.SeekStart); errno != 0 {
		t.Fatal(errno)
	}
	des, errno := d.Readdir(1)
	if errno != 0 || len(des) != 1 {
		t.Fatalf("Readdir(1) = %v, %v", des, errno)
	}
	more, errno := d.Readdir(10)
	if errno != 0 || len(more) != 1 {
		t.Fatalf("Readdir(10) = %v, %v", more, errno)
	}
	des = append(des, more...)
	slices.SortFunc(des, func(a, b experimentalsys.Dirent) int { return cmpString(a.Name, b.Name) })
	if des[0].Name != "x" || des[0].Type != 0 || des[0].Ino == 0 || des[1].Name != "y" || !des[1].IsDir() {
		t.Errorf("Readdir: %v", des)
	}
	if end, errno := d.Readdir(10); errno != 0 || len(end) != 0 {
		t.Errorf("Readdir at the end = %v, %v", end, errno)
	}
	wantErrno(t, "Seek a directory elsewhere than its start", func() experimentalsys.Errno { _, e := d.Seek(1, io.SeekStart); return e }(), experimentalsys.EISDIR)
	wantErrno(t, "Write to a directory", func() experimentalsys.Errno { _, e := d.Write([]byte("x")); return e }(), experimentalsys.EISDIR)
	_, errno = r.OpenFile("d", experimentalsys.O_RDWR|experimentalsys.O_DIRECTORY, 0)
	wantErrno(t, "open a directory to write", errno, experimentalsys.EISDIR)
	_, errno = r.OpenFile("a.txt", experimentalsys.O_RDONLY|experimentalsys.O_DIRECTORY, 0)
	wantErrno(t, "O_DIRECTORY on a file", errno, experimentalsys.ENOTDIR)
	_, errno = open("a.txt", experimentalsys.O_RDONLY).Readdir(-1)
	wantErrno(t, "Readdir of a file", errno, experimentalsys.EBADF)

	wantErrno(t, "Rename", r.Rename("d/x", "d/y/z"), 0)
	wantErrno(t, "Rename a directory", r.Rename("d/y", "e"), 0)
	if content("e/z") != "x" {
		t.Error("e/z after the renames")
	}
	wantErrno(t, "Rmdir of a non-empty directory", r.Rmdir("e"), experimentalsys.ENOTEMPTY)
	wantErrno(t, "Rmdir of a file", r.Rmdir("e/z"), experimentalsys.ENOTDIR)
	wantErrno(t, "Unlink of a directory", r.Unlink("e"), experimentalsys.EISDIR)
	wantErrno(t, "Unlink", r.Unlink("e/z"), 0)
	wantErrno(t, "Unlink again", r.Unlink("e/z"), experimentalsys.ENOENT)
	wantErrno(t, "Rmdir", r.Rmdir("e"), 0)
	wantErrno(t, "Rmdir", r.Rmdir("d"), 0)

	// Links inside: followed, unless O_NOFOLLOW.
	in := open("in", experimentalsys.O_RDONLY)
	if n, _ := in.Read(buf); string(buf[:n]) != "aaa" {
		t.Errorf("through the link in: %q", buf[:n])
	}
	_, errno = r.OpenFile("in", experimentalsys.O_RDONLY|experimentalsys.O_NOFOLLOW, 0)
	wantErrno(t, "O_NOFOLLOW on a link", errno, experimentalsys.ELOOP)
	wantErrno(t, "Link", r.Link("a.txt", "sub/hard"), 0)
	if content("sub/hard") != "aaa" {
		t.Error("sub/hard")
	}

	// Closed files.
	wantErrno(t, "Close", f.Close(), 0)
	wantErrno(t, "Close again", f.Close(), 0)
	_, errno = f.Read(buf)
	wantErrno(t, "Read after Close", errno, experimentalsys.EBADF)
	_, errno = f.Write(buf)
	wantErrno(t, "Write after Close", errno, experimentalsys.EBADF)
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// TestRootFSReadOnly: a read-only rootFS reads, and refuses every change
// with EROFS.
func TestRootFSReadOnly(t *testing.T) {
	root, rootDir, _ := rootFSFixture(t)
	r := newRootFS(root, true, nil)
	for _, flag := range []experimentalsys.Oflag{
		experimentalsys.O_WRONLY, experimentalsys.O_RDWR, experimentalsys.O_CREAT,
		experimentalsys.O_TRUNC, experimentalsys.O_APPEND, experimentalsys.O_CREAT | experimentalsys.O_EXCL | experimentalsys.O_WRONLY,
	} {
		for _, p := range []string{"a.txt", "new.txt"} {
			_, errno := r.OpenFile(p, flag, 0o644)
			wantErrno(t, "OpenFile("+p+")", errno, experimentalsys.EROFS)
		}
	}
	wantErrno(t, "Mkdir", r.Mkdir("d", 0o755), experimentalsys.EROFS)
	wantErrno(t, "Chmod", r.Chmod("a.txt", 0o777), experimentalsys.EROFS)
	wantErrno(t, "Rename", r.Rename("a.txt", "b.txt"), experimentalsys.EROFS)
	wantErrno(t, "Rmdir", r.Rmdir("sub"), experimentalsys.EROFS)
	wantErrno(t, "Unlink", r.Unlink("a.txt"), experimentalsys.EROFS)
	wantErrno(t, "Link", r.Link("a.txt", "b.txt"), experimentalsys.EROFS)
	wantErrno(t, "Symlink", r.Symlink("a.txt", "b.txt"), experimentalsys.EROFS)
	wantErrno(t, "Utimens", r.Utimens("a.txt", 0, 0), experimentalsys.EROFS)

	f, errno := r.OpenFile("a.txt", experimentalsys.O_RDONLY, 0)
	if errno != 0 {
		t.Fatal(errno)
	}
	defer f.Close()
	buf := make([]byte, 8)
	if n, errno := f.Read(buf); errno != 0 || string(buf[:n]) != "aaa" {
		t.Errorf("Read = %q, %v", buf[:n], errno)
	}
	_, errno = f.Write([]byte("x"))
	wantErrno(t, "Write", errno, experimentalsys.EBADF)
	wantErrno(t, "Truncate", f.Truncate(0), experimentalsys.EROFS)
	wantErrno(t, "File.Utimens", f.Utimens(0, 0), experimentalsys.EROFS)
	wantErrno(t, "SetAppend", f.SetAppend(true), experimentalsys.EROFS)
	if b, _ := os.ReadFile(filepath.Join(rootDir, "a.txt")); string(b) != "aaa" {
		t.Errorf("a.txt: %q", b)
	}
	// Escapes are refused as on a writable one.
	_, errno = r.OpenFile("up", experimentalsys.O_RDONLY, 0)
	wantErrno(t, "OpenFile(up)", errno, experimentalsys.EPERM)
}

// TestRootFSOpenFiles: open files count against the bound; closing them
// (once each) gives room again.
func TestRootFSOpenFiles(t *testing.T) {
	root, _, _ := rootFSFixture(t)
	var open atomic.Int32
	r := newRootFS(root, false, &open)
	var files []experimentalsys.File
	for range maxOpenFiles {
		f, errno := r.OpenFile("a.txt", experimentalsys.O_RDONLY, 0)
		if errno != 0 {
			t.Fatalf("file %d: %v", len(files), errno)
		}
		files = append(files, f)
	}
	_, errno := r.OpenFile("a.txt", experimentalsys.O_RDONLY, 0)
	wantErrno(t, "one file too many", errno, experimentalsys.EIO)
	_, errno = r.OpenFile("missing", experimentalsys.O_RDONLY, 0)
	wantErrno(t, "one file too many (missing)", errno, experimentalsys.EIO)
	files[0].Close()
	files[0].Close()
	f, errno := r.OpenFile("a.txt", experimentalsys.O_RDONLY|experimentalsys.O_DIRECTORY, 0)
	wantErrno(t, "O_DIRECTORY on a file", errno, experimentalsys.ENOTDIR)
	if f, errno = r.OpenFile("a.txt", experimentalsys.O_RDONLY, 0); errno != 0 {
		t.Fatalf("after a close: %v", errno)
	}
	files[0] = f
	for _, f := range files {
		f.Close()
	}
	if n := open.Load(); n != 0 {
		t.Errorf("%d files counted open after closing them all", n)
	}
}

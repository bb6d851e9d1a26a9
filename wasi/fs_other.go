//go:build !unix

package wasi

import (
	"io/fs"
	"time"
)

func errnoCode(error) string { return "" }

// sysStat is what a FileInfo knows beyond fs.FileInfo.
type sysStat struct {
	nlink, dev, ino uint64
	times           bool // atime and ctime are known
	atime, ctime    time.Time
}

func statSys(fs.FileInfo) sysStat { return sysStat{nlink: 1} }

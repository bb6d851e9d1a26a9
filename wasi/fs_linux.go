package wasi

import (
	"syscall"
	"time"
)

func statTimes(st *syscall.Stat_t) (atime, ctime time.Time, ok bool) {
	return time.Unix(st.Atim.Unix()), time.Unix(st.Ctim.Unix()), true
}

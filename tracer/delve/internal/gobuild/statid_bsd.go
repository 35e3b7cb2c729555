//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package gobuild

import (
	"os"
	"syscall"
)

// statID returns the inode and the change time (ctime, in nanoseconds) of
// fi, which the stat index compares besides size and mtime: a write that
// restores the mtime still moves the ctime, and a file replaced by another
// has another inode.
func statID(fi os.FileInfo) (ino uint64, ctime int64) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0
	}
	return uint64(st.Ino), st.Ctimespec.Nano()
}

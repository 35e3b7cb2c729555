package delve

import (
	"os"

	"golang.org/x/sys/unix"
)

// pipeBuffered returns how many bytes wait unread in the pipe, or 0 when
// that cannot be told.
func pipeBuffered(f *os.File) int {
	rc, err := f.SyscallConn()
	if err != nil {
		return 0
	}
	n := 0
	_ = rc.Control(func(fd uintptr) {
		n, _ = unix.IoctlGetInt(int(fd), unix.TIOCINQ)
	})
	return n
}

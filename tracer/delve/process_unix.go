//go:build unix

package delve

import (
	"fmt"
	"os"
	"syscall"
)

// signalProcess sends sig to the program.
func signalProcess(pid int, sig os.Signal) error {
	ssig, ok := sig.(syscall.Signal)
	if !ok {
		return fmt.Errorf("signal %v cannot be sent", sig)
	}
	return syscall.Kill(pid, ssig)
}

// killProcess ends the program at once, if it still exists.
func killProcess(pid int) {
	if syscall.Kill(pid, 0) == nil {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
}

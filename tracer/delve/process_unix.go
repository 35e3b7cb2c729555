//go:build unix

package delve

import (
	"fmt"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
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

// exitSignal names the signal behind a Delve exit status: Delve reports a
// program killed by signal N as status -N. It returns "" for a normal exit.
func exitSignal(status int) string {
	if status >= 0 {
		return ""
	}
	if name := unix.SignalName(syscall.Signal(-status)); name != "" {
		return name
	}
	return fmt.Sprintf("signal %d", -status)
}

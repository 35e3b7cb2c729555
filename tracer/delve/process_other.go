//go:build !unix

package delve

import (
	"fmt"
	"os"
)

// signalProcess can only kill on systems without Unix signals.
func signalProcess(pid int, sig os.Signal) error {
	if sig != os.Kill {
		return fmt.Errorf("signal %v cannot be sent on this system", sig)
	}
	killProcess(pid)
	return nil
}

// killProcess ends the program at once, if it still exists.
func killProcess(pid int) {
	if p, err := os.FindProcess(pid); err == nil {
		_ = p.Kill()
	}
}

// exitSignal names the signal behind a Delve exit status: Delve reports a
// program killed by signal N as status -N. It returns "" for a normal exit.
func exitSignal(status int) string {
	if status >= 0 {
		return ""
	}
	return fmt.Sprintf("signal %d", -status)
}

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

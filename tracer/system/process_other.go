//go:build !unix

package system

import (
	"os/exec"
	"syscall"
)

func newProcessGroup(*exec.Cmd) {}

func killGroup(cmd *exec.Cmd, sig syscall.Signal) {
	if sig == syscall.SIGKILL {
		_ = cmd.Process.Kill()
	}
}

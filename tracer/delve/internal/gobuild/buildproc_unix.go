//go:build unix

package gobuild

import (
	"os/exec"
	"syscall"
)

// startInOwnGroup makes cmd lead a process group, so that stopping it
// reaches the compiler and linker the go command runs.
func startInOwnGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// interruptGroup sends SIGINT to the group cmd leads: the tools stop and
// the go command removes its work directory.
func interruptGroup(cmd *exec.Cmd) {
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
}

// killGroup kills the group cmd leads.
func killGroup(cmd *exec.Cmd) {
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
}

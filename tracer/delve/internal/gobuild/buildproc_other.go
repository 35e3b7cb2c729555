//go:build !unix

package gobuild

import "os/exec"

// startInOwnGroup does nothing where there are no process groups.
func startInOwnGroup(*exec.Cmd) {}

// interruptGroup kills the go command where there are no signals to
// interrupt it with.
func interruptGroup(cmd *exec.Cmd) { _ = cmd.Process.Kill() }

// killGroup kills the go command.
func killGroup(cmd *exec.Cmd) { _ = cmd.Process.Kill() }

//go:build !unix

package watchdog

import "os/exec"

// Without Unix processes and signals there is no watchdog to keep: Delve
// does not run here either.

func detachWatchdog(*exec.Cmd)            {}
func ignoreHangups()                      {}
func killWatched(int, string) func() bool { return func() bool { return true } }
func killGroupOf(int) func() bool         { return func() bool { return true } }
func killByExe(string) []func() bool      { return nil }

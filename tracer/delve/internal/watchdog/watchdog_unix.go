//go:build unix

package watchdog

import (
	"errors"
	"os/exec"
	"os/signal"
	"syscall"
)

// detachWatchdog starts the watchdog in a session of its own, so that what
// reaches kratos-trace's terminal or process group (a hangup, ctrl+c, a
// signal to the group) does not reach it.
func detachWatchdog(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
}

// ignoreHangups keeps the watchdog alive through the signals that end
// kratos-trace: it has cleaning up to do when kratos-trace is gone.
func ignoreHangups() {
	signal.Ignore(syscall.SIGHUP, syscall.SIGINT, syscall.SIGTERM, syscall.SIGQUIT, syscall.SIGPIPE)
}

// killWatched kills pid and the process group it leads (Delve starts the
// program as a group leader), if pid still runs the executable exe: a pid
// that was reused since it was registered is left alone. It returns a check
// that the process is gone.
func killWatched(pid int, exe string) func() bool {
	if !runsExecutable(pid, exe) {
		return func() bool { return true }
	}
	_ = syscall.Kill(-pid, syscall.SIGKILL)
	_ = syscall.Kill(pid, syscall.SIGKILL)
	return func() bool { return watchedGone(pid) }
}

// killGroupOf kills the process group pgid, e.g. a go build and the
// compilers it runs, and returns a check that the group is gone.
func killGroupOf(pgid int) func() bool {
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	return func() bool { return errors.Is(syscall.Kill(-pgid, 0), syscall.ESRCH) }
}

// watchedGone reports whether pid has ended: it no longer exists, or it is
// a zombie waiting for whoever inherited it to reap it.
func watchedGone(pid int) bool {
	if errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) {
		return true
	}
	return isZombie(pid)
}

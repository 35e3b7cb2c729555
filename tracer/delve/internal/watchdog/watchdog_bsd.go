//go:build unix && !linux

package watchdog

// runsExecutable cannot tell which executable a process runs here without
// /proc; a registered pid is trusted.
func runsExecutable(int, string) bool { return true }

// killByExe cannot find processes by executable here; the pid registered
// right after the launch has to do.
func killByExe(string) []func() bool { return nil }

// isZombie cannot tell here; the process counts as gone once it no longer
// exists.
func isZombie(int) bool { return false }

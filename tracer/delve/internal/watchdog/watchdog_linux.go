package watchdog

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// runsExecutable reports whether process pid runs the executable at exe,
// as /proc tells (an executable removed since shows as "PATH (deleted)").
func runsExecutable(pid int, exe string) bool {
	got, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
	if err != nil {
		return false
	}
	return strings.TrimSuffix(got, " (deleted)") == exe
}

// killByExe kills every process running the executable at path (the
// trace's own debug binary, whose path no other program has), and returns
// a check per process that it is gone. It covers the moment between the
// launch and the program's pid being known.
func killByExe(path string) []func() bool {
	des, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var gone []func() bool
	for _, de := range des {
		pid, err := strconv.Atoi(de.Name())
		if err != nil || !runsExecutable(pid, path) {
			continue
		}
		gone = append(gone, killWatched(pid, path))
	}
	return gone
}

// isZombie reports whether pid has exited and waits to be reaped.
func isZombie(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	// The state follows the command name in parentheses, which may itself
	// hold parentheses.
	i := strings.LastIndexByte(string(b), ')')
	return i >= 0 && i+2 < len(b) && b[i+2] == 'Z'
}

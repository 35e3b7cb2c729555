package delve

import "github.com/kratos-trace/kratos-trace/tracer/delve/internal/watchdog"

// GuardGroup asks the watchdog to kill the process group pgid should
// kratos-trace die without stopping it (the processes of a system); the
// function it returns forgets it again, once the group is stopped.
func GuardGroup(pgid int) (forget func()) {
	var l watchdog.Lease
	l.Add("group %d", pgid)
	return l.Release
}

// GuardDir asks the watchdog to remove the directory path should
// kratos-trace die without removing it; the function it returns forgets it.
func GuardDir(path string) (forget func()) {
	var l watchdog.Lease
	l.Add("dir %s", path)
	return l.Release
}

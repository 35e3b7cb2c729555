// Package debuglog writes kratos-trace's own diagnostics to stderr when
// KRATOS_TRACE_DEBUG is set: the debug build, the watchdog and the session
// log through it. It is for diagnosing kratos-trace itself, never part of a
// trace.
package debuglog

import (
	"fmt"
	"os"
)

// On reports whether KRATOS_TRACE_DEBUG asks for the diagnostics.
func On() bool { return os.Getenv("KRATOS_TRACE_DEBUG") != "" }

// Printf writes one line of diagnostics when they are on.
func Printf(format string, args ...any) {
	if On() {
		fmt.Fprintf(os.Stderr, "debug: "+format+"\n", args...)
	}
}

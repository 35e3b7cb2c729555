package delve

import (
	"context"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer/delve/internal/watchdog"
)

// RunWatchdogIfAsked turns this process into the watchdog when kratos-trace
// started it as one (internal/watchdog): it then never returns. Otherwise it
// returns at once and lets the traces of this process use a watchdog. main
// calls it first of all, and so does TestMain in the packages whose tests
// start traces. The Delve server of an isolated session (serverproc.go) is
// started the same way, and is only that too.
func RunWatchdogIfAsked() {
	runServerIfAsked()
	watchdog.RunIfAsked(killRemote)
}

// killRemote ends the program of the Delve server at addr, as
// --kill-on-exit would have on the way out: halt it if it runs, then
// detach with kill, which also ends a server that started it.
func killRemote(addr string) {
	ctx, cancel := context.WithTimeout(context.Background(), watchdog.Grace)
	defer cancel()
	conn, client, _, err := dialDelve(ctx, addr, watchdog.Grace)
	if err != nil {
		return
	}
	_ = conn.SetDeadline(time.Now().Add(watchdog.Grace))
	if st, err := client.GetStateNonBlocking(); err == nil && st.Running {
		_, _ = client.Halt()
	}
	_ = client.Detach(true)
	_ = conn.Close()
}

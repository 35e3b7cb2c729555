// Command kratos-trace shows how a Kratos service boots and shuts down by
// running it under an embedded Delve debugger and stopping at every phase.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/kratos-trace/kratos-trace/tracer/delve"
)

func main() {
	// Started as the watchdog of another kratos-trace, this process is
	// only that (tracer/delve/internal/watchdog).
	delve.RunWatchdogIfAsked()
	// Started as the attach helper of another kratos-trace, this process
	// is only that (tracer/delve/attachhelper.go).
	delve.RunAttachHelperIfAsked()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

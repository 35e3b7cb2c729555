package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/delve"
)

// connectOptions are the flags of `kratos-trace connect` beyond those it
// shares with run.
type connectOptions struct {
	substitutePath []string
	killOnExit     bool
	restart        bool
	timeout        time.Duration
}

func newConnectCommand(io streams) *cobra.Command {
	var opts runOptions
	var copts connectOptions
	cmd := &cobra.Command{
		Use:   "connect [flags] HOST:PORT",
		Short: "Trace a Kratos service that runs elsewhere, under a Delve headless server",
		Long: `Attach to a Delve headless server (API v2) whose program was started halted,
as in a container, a pod or on another host:

  dlv exec --headless --listen :2345 --api-version 2 --accept-multiclient ./server

reached directly or through kubectl port-forward or an SSH tunnel, and trace
the same lifecycle phases as run. The phases are resolved from the program
itself: its build info names the Kratos version it links, whose source is
fetched into the local module cache (go mod download) to find the places
inside App.Run. Build the program with -gcflags='all=-N -l' so that its
values can be read.

Source paths are those of the machine that built the program; map them to a
local checkout with --substitute-path FROM=TO (e.g. /app=$PWD) so that the
source pane and the wire phases can read it.

When the trace ends (q, or --headless after app.running and --hold) the
breakpoints kratos-trace set are cleared and the program runs on under
Delve; --kill-on-exit ends it instead. The program cannot be sent SIGTERM
from here: stop it where it runs to trace its shutdown. See docs/REMOTE.md.`,
		Example: `  kratos-trace connect 127.0.0.1:2345
  kubectl port-forward pod/greeter-0 2345 & kratos-trace connect --substitute-path /app=$PWD 127.0.0.1:2345
  kratos-trace connect --headless --json --kill-on-exit 127.0.0.1:2345
  kratos-trace connect --restart 127.0.0.1:2345   # trace the boot again`,
		Args: exactArgs(1, "the HOST:PORT of a Delve headless server", "kratos-trace connect 127.0.0.1:2345", "one HOST:PORT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.inspect.check(); err != nil {
				return err
			}
			cfg := delve.ConnectConfig{Addr: args[0], KillOnExit: copts.killOnExit, Restart: copts.restart, Timeout: copts.timeout,
				Watches: opts.inspect.watches, Breaks: opts.inspect.breaks, Stall: opts.stall, KeepTimeouts: opts.req.keepTimeouts}
			var err error
			if cfg.SubstitutePath, err = parseSubstitutePaths(copts.substitutePath); err != nil {
				return err
			}
			if opts.json {
				opts.headless = true
			}
			target := &remoteTarget{cfg: cfg}
			opts.remote = target
			return target.runTrace(cmd, io, delve.Config{Target: args[0]}, opts)
		},
	}
	f := cmd.Flags()
	addOutputFlags(f, &opts)
	addInspectFlags(f, &opts.inspect)
	f.DurationVar(&opts.hold, "hold", 0, "with --headless: how long the program runs on at app.running, serving, before the trace ends and leaves it running")
	f.StringArrayVar(&copts.substitutePath, "substitute-path", nil, "map source directory `FROM=TO`: FROM as the program reports it (e.g. /app), TO the local checkout; repeatable")
	f.BoolVar(&copts.killOnExit, "kill-on-exit", false, "end the program when the trace ends (default: clear the breakpoints and leave it running)")
	f.BoolVar(&copts.restart, "restart", false, "restart the program under Delve first, when it has already run past main")
	f.DurationVar(&copts.timeout, "timeout", defaultConnectTimeout, "how long to wait for the Delve server to accept the connection and answer")
	addStallFlag(f, &opts)
	return cmd
}

// defaultConnectTimeout is how long connect, and a system's connect:
// service without timeout:, wait for a Delve server to accept and answer.
const defaultConnectTimeout = 15 * time.Second

// remoteTarget is what connect traces: the program of a Delve server. The
// TUI's restart (r) reconnects; the program has run past main by then, so
// later connections restart it under Delve to trace its boot again.
type remoteTarget struct {
	cfg delve.ConnectConfig
	lastSession

	mu     sync.Mutex
	starts int
}

// connect starts a trace through the Delve server.
func (t *remoteTarget) connect(ctx context.Context) (tracer.Source, error) {
	t.mu.Lock()
	cfg := t.cfg
	if t.starts > 0 {
		cfg.Restart = true
	}
	t.starts++
	t.mu.Unlock()
	return t.remember(delve.Connect(ctx, cfg))
}

// lastSession keeps the last session a command that leaves its program
// running (connect, attach) started, to say what became of the program.
type lastSession struct {
	mu   sync.Mutex
	last *delve.Session
}

// remember keeps s, the session a start returned with err, and passes
// them on.
func (l *lastSession) remember(s *delve.Session, err error) (tracer.Source, error) {
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	l.last = s
	l.mu.Unlock()
	return s, nil
}

// runTrace runs the trace, then says what became of the program.
func (l *lastSession) runTrace(cmd *cobra.Command, io streams, cfg delve.Config, opts runOptions) error {
	err := runTrace(cmd, io, cfg, opts)
	if note := l.detachNote(); note != "" {
		fmt.Fprintf(io.err, "kratos-trace: %s\n", note)
	}
	return err
}

// detachNote says what became of the program when the last trace ended.
func (l *lastSession) detachNote() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.last == nil {
		return ""
	}
	return l.last.DetachNote()
}

// parseSubstitutePaths reads the --substitute-path FROM=TO flags.
func parseSubstitutePaths(values []string) ([][2]string, error) {
	var rules [][2]string
	for _, v := range values {
		rule, err := delve.ParseSubstitutePath(v)
		if err != nil {
			return nil, usageOf(err)
		}
		rules = append(rules, rule)
	}
	return rules, nil
}

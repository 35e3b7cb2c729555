package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/delve"
)

// attachOptions are the flags of `kratos-trace attach` beyond those it
// shares with run.
type attachOptions struct {
	substitutePath []string
	killOnExit     bool
	sigterm        bool
}

func newAttachCommand(io streams) *cobra.Command {
	var opts runOptions
	var aopts attachOptions
	cmd := &cobra.Command{
		Use:   "attach [flags] PID|NAME",
		Short: "Look inside a Kratos service that is already running",
		Long: `Attach to a running Go program, by its pid or by NAME (the base name of its
executable, its process name, or the Kratos service name it was built with,
main.Name), pause it once and show what its App holds: the id, name, version,
metadata and endpoints, the servers with their states and addresses, the
registered instance and registrar, the routes and gRPC methods, the
Bootstrap if main.main still holds it, and the goroutines. Then it runs on,
and everything that works at app.running works: follow a request through
the layers (--request, R in the terminal UI), breakpoints, watches, eval,
halt, and t (SIGTERM) to walk the shutdown.

A normal go build works: values the optimiser kept nowhere show as
optimised away. A stripped binary (-ldflags="-s -w") cannot be read.

When the trace ends (q, or --headless after --hold) kratos-trace detaches:
its breakpoints are cleared, the servers' timeouts put back, and the program
runs on as it was; --kill-on-exit ends it instead, and --headless --sigterm
walks its shutdown. If kratos-trace itself is killed, its attach helper
detaches the same way. See docs/ATTACH.md.`,
		Example: `  kratos-trace attach 4242
  kratos-trace attach server
  kratos-trace attach --headless --request 'GET /helloworld/kratos' helloworld
  kratos-trace attach --headless --json --hold 5s 4242
  kratos-trace attach --headless --sigterm 4242   # walk its shutdown`,
		Args: exactArgs(1, "the PID or NAME of a running program", "kratos-trace attach 4242", "one PID or NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.inspect.check(); err != nil {
				return err
			}
			if aopts.sigterm && aopts.killOnExit {
				return usage("--sigterm and --kill-on-exit each end the program: give one", "--sigterm walks the shutdown, --kill-on-exit kills the program when the trace ends")
			}
			if opts.json {
				opts.headless = true
			}
			if aopts.sigterm && !opts.headless {
				return usage("--sigterm is for --headless", "in the terminal UI press t to send SIGTERM")
			}
			pid, err := delve.ResolvePid(args[0])
			if err != nil {
				return err
			}
			cfg := delve.AttachConfig{Pid: pid, KillOnExit: aopts.killOnExit, Watches: opts.inspect.watches, Breaks: opts.inspect.breaks,
				Stall: opts.stall, KeepTimeouts: opts.req.keepTimeouts}
			if cfg.Layers, err = opts.req.layerDirs(); err != nil {
				return err
			}
			if cfg.SubstitutePath, err = parseSubstitutePaths(aopts.substitutePath); err != nil {
				return err
			}
			target := &attachedTarget{cfg: cfg, sigterm: aopts.sigterm}
			opts.attach = target
			return target.runTrace(cmd, io, delve.Config{Target: fmt.Sprintf("pid %d", pid)}, opts)
		},
	}
	f := cmd.Flags()
	addOutputFlags(f, &opts)
	addInspectFlags(f, &opts.inspect)
	f.DurationVar(&opts.hold, "hold", 0, "with --headless: how long the program runs on after the attach stop (and the --request requests), serving, before the trace detaches")
	f.DurationVar(&opts.stopTimeout, "stop-timeout", 0, "with --headless --sigterm: how long the program may take to exit after SIGTERM before it is killed (default: wait)")
	f.StringArrayVar(&aopts.substitutePath, "substitute-path", nil, "map source directory `FROM=TO`: FROM as the program reports it (e.g. /app), TO the local checkout; repeatable")
	f.BoolVar(&aopts.killOnExit, "kill-on-exit", false, "end the program when the trace ends (default: detach and leave it running as it was)")
	f.BoolVar(&aopts.sigterm, "sigterm", false, "with --headless: after the hold, send the program SIGTERM and trace its shutdown instead of detaching")
	addStallFlag(f, &opts)
	addLayerFlag(f, &opts.req)
	return cmd
}

// attachedTarget is what attach traces: a running program. The TUI's
// restart (r) attaches to it again.
type attachedTarget struct {
	cfg     delve.AttachConfig
	sigterm bool
	lastSession
}

// start attaches to the program.
func (t *attachedTarget) start(ctx context.Context) (tracer.Source, error) {
	return t.remember(delve.Attach(ctx, t.cfg))
}

package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/charmbracelet/x/term"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/delve"
	"github.com/kratos-trace/kratos-trace/tui"
)

// runTUI opens the terminal UI on a live trace. The target is resolved
// before the screen is taken, so bad input reads like any other error.
func runTUI(ctx context.Context, io streams, cfg delve.Config, opts runOptions) error {
	if !isTerminal(io) {
		fmt.Fprintln(io.err, "kratos-trace: not a terminal, printing the trace instead (use --headless to say so)")
		opts.headless = true
		return runHeadless(ctx, io, cfg, opts)
	}
	// A local trace starts before the screen is taken: Start resolves the
	// target at once (the build goes on in the background), so bad input
	// reads like any other error. The TUI's first Start call gets it.
	var first tracer.Source
	if opts.remote == nil {
		src, err := opts.startSource(ctx, cfg)
		if err != nil {
			return err
		}
		first = src
	}
	var mu sync.Mutex
	err := tui.Run(ctx, tui.Options{
		Target: cfg.Target,
		Start: func(ctx context.Context) (tracer.Source, error) {
			mu.Lock()
			src := first
			first = nil
			mu.Unlock()
			if src != nil {
				return src, nil
			}
			src, err := opts.startSource(ctx, cfg)
			var ue *tracer.UserError
			if errors.As(err, &ue) {
				// The TUI shows an error's text: give it the detail and hint too.
				return nil, errors.New(userErrorText(ue))
			}
			return src, err
		},
		Lang:        opts.lang,
		Baseline:    opts.recording.compareLive(opts.base),
		OutputLines: opts.outputLines,
	})
	mu.Lock()
	if first != nil {
		// The TUI ended before it took the trace: it is ours to close.
		first.Close()
	}
	mu.Unlock()
	if err != nil && ctx.Err() != nil {
		return &exitError{code: exitInterrupted}
	}
	var ue *tracer.UserError
	if errors.As(err, &ue) {
		return err
	}
	if err != nil {
		return fmt.Errorf("terminal UI: %w", err)
	}
	return nil
}

// opensTUI reports whether the trace opens the terminal UI: without
// --headless, on a terminal. Off one it is printed instead.
func opensTUI(io streams, opts runOptions) bool {
	return !opts.headless && isTerminal(io)
}

// isTerminal reports whether the UI can draw: stdin and stdout are the
// process's own terminal.
func isTerminal(io streams) bool {
	in, ok1 := io.in.(*os.File)
	out, ok2 := io.out.(*os.File)
	return ok1 && ok2 && term.IsTerminal(in.Fd()) && term.IsTerminal(out.Fd())
}

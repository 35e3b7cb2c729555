package main

import (
	"context"
	"fmt"

	"github.com/kratos-trace/kratos-trace/tracer/delve"
)

// runTUI opens the terminal UI on a live trace.
func runTUI(ctx context.Context, io streams, cfg delve.Config, opts runOptions) error {
	_ = ctx
	_ = cfg
	_ = opts
	fmt.Fprintln(io.err, "kratos-trace: the terminal UI is not built yet; use --headless")
	return &exitError{code: exitFailed}
}

package main

import (
	"github.com/spf13/pflag"

	"github.com/kratos-trace/kratos-trace/tracer/delve"
)

// inspectOptions are the flags of run and connect that ask the program
// questions of the user's own: watches and breakpoints.
type inspectOptions struct {
	watches []string
	breaks  []string
}

// addInspectFlags adds --watch and --break.
func addInspectFlags(f *pflag.FlagSet, o *inspectOptions) {
	f.StringArrayVar(&o.watches, "watch", nil, "evaluate the Go expression `EXPR` at every stop and step (e.g. main.flagconf, len(a.opts.servers)); its value is in each stop's block, in --json as \"watches\" and in recordings; repeatable")
	f.StringArrayVar(&o.breaks, "break", nil, "also stop at `LOC`: FILE:LINE (relative to the module root, or absolute) or a function (main.newApp, biz.(*GreeterUsecase).CreateGreeter, or with its package path); its stops have phase \"break\" and detail LOC; repeatable")
}

// check reports a --watch that is not a Go expression and a --break that
// cannot be a location before anything is built; whether they name
// anything in the program is known once it is loaded.
func (o inspectOptions) check() error {
	if err := delve.CheckWatchExprs(o.watches); err != nil {
		return usageOf(err)
	}
	return usageOf(delve.CheckBreakLocations(o.breaks))
}

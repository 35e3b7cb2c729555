package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/delve"
	"github.com/kratos-trace/kratos-trace/tracer/headless"
	"github.com/kratos-trace/kratos-trace/tracer/system"
)

// systemFlags are the flags of `run` that trace several services together.
type systemFlags struct {
	file     string
	together bool
}

func addSystemFlags(f *pflag.FlagSet, sf *systemFlags) {
	f.StringVar(&sf.file, "system", "", "trace the services and processes of the system `FILE` together (default "+system.DefaultFile+" when given without =FILE; see docs/SYSTEMS.md)")
	f.Lookup("system").NoOptDefVal = system.DefaultFile
	f.BoolVar(&sf.together, "together", false, "in a system, start every service at once instead of each after the ones it comes after are at app.running")
}

// systemOf is the system `run` traces, or nil for a single service:
// several PACKAGEs, or --system. dash is where -- fell among args.
func systemOf(io streams, cmd *cobra.Command, sf systemFlags, args []string, dash int) (*system.File, error) {
	packages, programArgs := args, []string(nil)
	if dash >= 0 {
		packages, programArgs = args[:dash], args[dash:]
	}
	if sf.file == system.DefaultFile && len(packages) == 1 && isSystemFileName(packages[0]) {
		// `--system FILE` with a space: the flag's value is optional, so
		// pflag leaves FILE among the arguments. No package ends in .yaml.
		sf.file, packages = packages[0], nil
	}
	switch {
	case sf.file != "" && len(packages) > 0:
		return nil, usage(fmt.Sprintf("--system reads the services from %s: name no PACKAGE beside it", sf.file), "put each service's package in the system file, or drop --system and name the packages")
	case sf.file == "" && len(packages) < 2:
		if sf.together {
			return nil, usage("--together is for a system: name several PACKAGEs or give --system", "")
		}
		return nil, nil
	case cmd.Flags().Changed("wd"):
		return nil, usage("--wd is for one service: in a system each service runs in its own package directory", "give a service its own `wd:` in a system file")
	}
	if sf.file != "" {
		if dash >= 0 {
			return nil, usage("--system gives each service its own args: put no program arguments after --", "write them as `args:` in "+sf.file)
		}
		f, err := system.ReadFile(sf.file)
		if err != nil {
			return nil, fileError(err)
		}
		return f, nil
	}
	f := &system.File{}
	for _, pkg := range packages {
		f.Services = append(f.Services, system.Service{Package: pkg, Args: programArgs})
	}
	if err := system.Check(f, "the command line"); err != nil {
		var fe *system.FileError
		if errors.As(err, &fe) {
			return nil, usage(fe.Msg, "")
		}
		return nil, err
	}
	return f, nil
}

// fileError turns a mistake in the system file into one sentence and a hint.
func fileError(err error) error {
	var fe *system.FileError
	if errors.As(err, &fe) {
		return &delve.UserError{Msg: fe.Error(), Hint: fe.Hint}
	}
	return err
}

// systemTarget names a system in the trace's header and titles.
func systemTarget(f *system.File) string {
	if f.Path != "" {
		return "system " + f.Path
	}
	var pkgs []string
	for _, s := range f.Services {
		pkgs = append(pkgs, cmp.Or(s.Package, s.Connect, s.Attach))
	}
	return "system " + strings.Join(pkgs, " ")
}

// startSystem starts the trace of the system: each service is a Delve
// session made from base, the flags every service shares.
func (o runOptions) startSystem(ctx context.Context, base delve.Config) (tracer.Source, error) {
	src, err := system.Start(ctx, o.system, system.Options{
		Start: func(ctx context.Context, svc system.Service, launch <-chan struct{}) (tracer.Source, error) {
			if svc.Running() != "" {
				return startRunningService(ctx, svc, base)
			}
			cfg := base
			cfg.Target, cfg.Args, cfg.Env, cfg.WorkingDir, cfg.Launch = svc.Package, svc.Args, svc.Env, svc.WorkingDir, launch
			// Two Delve servers in one process would reap each other's
			// program events (tracer/delve/serverproc.go).
			cfg.Isolated = true
			cfg.BreaksWhereFound = true
			return delve.Start(ctx, cfg)
		},
		Together:    o.sys.together,
		StopTimeout: o.stopTimeout,
		Guard:       system.Guard{Group: delve.GuardGroup, Dir: delve.GuardDir},
	})
	var se *system.ServiceError
	var ue *delve.UserError
	if errors.As(err, &se) && errors.As(err, &ue) {
		// The service's own sentence, naming it.
		named := *ue
		named.Msg = fmt.Sprintf("service %s: %s", se.Service, ue.Msg)
		return nil, &named
	}
	if err != nil {
		return nil, err
	}
	return src, nil
}

// startRunningService traces a service of the system that was running
// before it: through its Delve server (connect: HOST:PORT) as `kratos-trace
// connect` does, or attached to (attach: NAME|PID) as `kratos-trace attach`
// does, with the member keys that mirror those commands' flags. Either
// waits for no other service, and is left running when the trace ends
// unless it asks for kill_on_exit or sigterm (System.shutDown).
func startRunningService(ctx context.Context, svc system.Service, base delve.Config) (tracer.Source, error) {
	if svc.Connect != "" {
		return delve.Connect(ctx, delve.ConnectConfig{Addr: svc.Connect, SubstitutePath: svc.SubstitutePath,
			KillOnExit: svc.KillOnExit, Restart: svc.Restart, Timeout: cmp.Or(svc.Timeout, defaultConnectTimeout),
			Watches: base.Watches, Breaks: base.Breaks, Stall: base.Stall, KeepTimeouts: base.KeepTimeouts})
	}
	pid, err := delve.ResolvePid(svc.Attach)
	if err != nil {
		return nil, err
	}
	return delve.Attach(ctx, delve.AttachConfig{Pid: pid, SubstitutePath: svc.SubstitutePath, KillOnExit: svc.KillOnExit,
		Watches: base.Watches, Breaks: base.Breaks, Stall: base.Stall, KeepTimeouts: base.KeepTimeouts, Layers: base.Layers})
}

// checkRequestServices refuses a --request for a service the trace does
// not have.
func checkRequestServices(opts runOptions) error {
	for _, spec := range opts.requests {
		if spec.Service == "" {
			continue
		}
		if opts.system == nil {
			return usage(fmt.Sprintf("--request %q names the service %s, and one service is traced", spec.Service+": "+spec.String(), spec.Service), "drop `"+spec.Service+":`; a service is named in the requests of a system")
		}
		known := false
		var names []string
		for _, s := range opts.system.Services {
			known = known || s.Name == spec.Service
			names = append(names, s.Name)
		}
		if !known {
			return usage(fmt.Sprintf("--request names the service %s, which the system does not have", spec.Service), "the services are "+strings.Join(names, ", "))
		}
	}
	return nil
}

// systemOutcome turns how a system's trace ended into the exit code: the
// first service that failed is named, with the phase it failed at. What
// is expected of each service comes from the system's plan, so that a
// replay judges a recording as the run did.
func systemOutcome(io streams, res *headless.Result) error {
	if res.Stalled != nil {
		fmt.Fprintf(io.err, "kratos-trace: the trace of %s stalled: %s\n", res.Stalled.Service, res.Stalled.Reason)
		fmt.Fprintln(io.err, "hint: the stall event lists every goroutine with its stack; see \"A service that hangs at start\" in docs/TROUBLESHOOTING.md")
		return &exitError{code: exitStalled}
	}
	if e := res.Err; e != nil {
		lines := strings.Split(e.Error, "\n")
		who := "the system"
		if e.Service != "" {
			who = "service " + e.Service
		}
		fmt.Fprintf(io.err, "kratos-trace: %s failed %s: %s\n", who, failedWhere(res, e), lines[0])
		for _, l := range lines[1:] {
			fmt.Fprintf(io.err, "  %s\n", l)
		}
		if e.Reason != "" {
			fmt.Fprintf(io.err, "  %s\n", e.Reason)
		}
		return &exitError{code: exitFailed}
	}
	failed := false
	for _, s := range res.Services {
		switch {
		case !s.Planned.Signalled():
			// Connected or attached, and left running or ended as
			// kill_on_exit asks: it never exits in the trace.
			continue
		case s.NotStarted != "":
			fmt.Fprintf(io.err, "kratos-trace: service %s was not started: %s\n", s.Name, s.NotStarted)
		case s.Killed:
			fmt.Fprintf(io.err, "kratos-trace: service %s ignored SIGTERM and was killed\n", s.Name)
		case s.Signal != "":
			fmt.Fprintf(io.err, "kratos-trace: service %s was killed by %s (exit status %d)\n", s.Name, s.Signal, s.ExitCode)
		case s.ExitCode > 0:
			fmt.Fprintf(io.err, "kratos-trace: service %s exited with status %d\n", s.Name, s.ExitCode)
		case !reached(s.Result, tracer.PhaseExit):
			fmt.Fprintf(io.err, "kratos-trace: service %s did not exit\n", s.Name)
		default:
			continue
		}
		failed = true
	}
	if failed || res.Killed {
		return &exitError{code: exitFailed}
	}
	return nil
}

// failedWhere says where a service failed: at the phase of the error, or
// after the last phase it reached, or in its build.
func failedWhere(res *headless.Result, e *tracer.Event) string {
	if e.Phase != "" {
		return "at " + e.Label()
	}
	for _, s := range res.Services {
		if s.Name == e.Service && len(s.Phases) > 0 {
			return "after " + s.Phases[len(s.Phases)-1].Label()
		}
	}
	if e.Service != "" {
		return "before its first phase"
	}
	return "to start"
}

// isSystemFileName tells a system file from a PACKAGE by its extension.
func isSystemFileName(arg string) bool {
	ext := strings.ToLower(filepath.Ext(arg))
	return ext == ".yaml" || ext == ".yml"
}

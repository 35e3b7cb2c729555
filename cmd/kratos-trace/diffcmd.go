package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kratos-trace/kratos-trace/tracer/diff"
	"github.com/kratos-trace/kratos-trace/tracer/headless"
	"github.com/kratos-trace/kratos-trace/tracer/replay"
)

// exitTrouble is diff's exit status when it could not compare, as diff(1)'s.
const exitTrouble = 2

// diffFlags are the flags that say how two boots are compared, which diff
// shares with --baseline on run, connect and replay.
type diffFlags struct {
	noTimes   bool
	threshold string
	// times is --times: "" when not given, timesOn when given without a
	// threshold, else the threshold.
	times string
}

// timesOn is --times given alone: the times count, with --time-threshold's
// threshold.
const timesOn = "on"

func addDiffFlags(f *pflag.FlagSet, o *diffFlags, prefix string) {
	f.BoolVar(&o.noTimes, "no-times", false, prefix+"leave the program time per phase out of the comparison")
	f.StringVar(&o.threshold, "time-threshold", diff.DefaultThreshold().String(), prefix+"show a phase's program time only when it changed by this factor and this amount, e.g. 2x+10ms (a part left out keeps its default)")
	f.StringVar(&o.times, "times", "", prefix+"make the times count: exit 1 when a phase's program time changed beyond the threshold (--times=`THRESHOLD`, e.g. --times=2x+10ms, or --time-threshold's); without it the times are shown but never make the exit status 1")
	f.Lookup("times").NoOptDefVal = timesOn
}

// options turns the flags into diff.Options.
func (o diffFlags) options() (diff.Options, error) {
	threshold, flag := o.threshold, "--time-threshold"
	if o.times != "" && o.times != timesOn {
		threshold, flag = o.times, "--times"
	}
	th, err := diff.ParseThreshold(threshold)
	if err != nil {
		return diff.Options{}, usage(fmt.Sprintf("%s %q: %v", flag, threshold, err), "")
	}
	if o.noTimes && o.times != "" {
		return diff.Options{}, usage("--times and --no-times say opposite things", "give one of them")
	}
	return diff.Options{NoTimes: o.noTimes, CountTimes: o.times != "", Threshold: th}, nil
}

// diffOptions are the flags of `kratos-trace diff`.
type diffOptions struct {
	diffFlags
	json  bool
	color string
	lang  string
}

func newDiffCommand(io streams) *cobra.Command {
	var opts diffOptions
	cmd := &cobra.Command{
		Use:   "diff [flags] A.jsonl B.jsonl",
		Short: "Show what is different in one recorded boot from another",
		Long: `Compare two recordings (kratos-trace run --record) and print what is different
in B from A, section by section:

  Phases     phases, providers and servers added, removed or moved (aligned by
             phase and detail, not by position), and phases skipped in one boot
             but not the other; servers that start side by side may start in
             any order
  Bootstrap  config leaves changed, added or removed, and values now taken from
             another place, when the recordings hold where they came from
  Servers    each server's network, address, timeout, endpoint and services,
             and the instance registered with service discovery
  Exit       how the program ended
  Times      the program time of each phase, shown only when it changed by
             both a factor and an amount (--time-threshold, default 1.5x+5ms)

Lines starting with - are A's, with + B's. Secrets stay masked: a masked
value is compared by the keyed hash its recording holds, never by the
secret (see docs/RECORDING.md).

Times are noise unless asked for: two boots of the same program differ in
them, more so on a busy machine. They are shown, but count as differences
only with --times (or --times=THRESHOLD).

Either recording may be - for standard input. The exit status is that of
diff(1): 0 when the boots are the same, 1 when they differ, 2 when they
could not be compared.`,
		Example: `  kratos-trace diff main.jsonl branch.jsonl
  kratos-trace diff --json main.jsonl branch.jsonl | jq '.sections[] | select(.changes | length > 0)'
  kratos-trace diff --no-times main.jsonl - < branch.jsonl
  kratos-trace diff --times=2x+20ms main.jsonl branch.jsonl`,
		Args: exactArgs(2, "two recordings, A and B", "kratos-trace diff main.jsonl branch.jsonl", "two recordings, A and B"),
		RunE: func(cmd *cobra.Command, args []string) error {
			err := runDiff(io, args[0], args[1], opts)
			var ee *exitError
			var ue *usageError
			if err != nil && !errors.As(err, &ee) && !errors.As(err, &ue) {
				fmt.Fprintf(io.err, "kratos-trace: %v\n", err)
				return &exitError{code: exitTrouble}
			}
			return err
		},
	}
	f := cmd.Flags()
	addDiffFlags(f, &opts.diffFlags, "")
	f.BoolVar(&opts.json, "json", false, "print one JSON document: the sections, each change with its path, before and after")
	f.StringVar(&opts.color, "color", "auto", "colour the - and + lines: auto (on a terminal, unless NO_COLOR is set), always or never")
	addLangFlag(cmd, &opts.lang)
	return cmd
}

// runDiff reads both recordings, compares them and prints the result.
func runDiff(io streams, pathA, pathB string, opts diffOptions) error {
	dopts, err := opts.options()
	if err != nil {
		return err
	}
	lang, err := pickLang(opts.lang)
	if err != nil {
		return err
	}
	color, err := useColor(opts.color, io.out)
	if err != nil {
		return err
	}
	if pathA == "-" && pathB == "-" {
		return usage("only one of the recordings can be - (standard input)", "")
	}
	a, err := readForDiff(io, pathA)
	if err != nil {
		return err
	}
	b, err := readForDiff(io, pathB)
	if err != nil {
		return err
	}
	res := diff.Compare(bootOf(a), bootOf(b), dopts)
	if err := printDiff(io.out, res, opts.json, headless.DiffOptions{Color: color, Lang: lang}); err != nil {
		return err
	}
	if res.Differs() {
		return &exitError{code: exitFailed}
	}
	return nil
}

// readForDiff reads a recording, from standard input for "-", and warns
// when it falls short of a whole trace.
func readForDiff(io streams, path string) (*replay.Recording, error) {
	var rec *replay.Recording
	var err error
	if path == "-" {
		rec, err = replay.ReadFrom("-", io.in)
	} else {
		rec, err = replay.Read(path)
	}
	if err != nil {
		return nil, err
	}
	if w := rec.Warning(); w != "" {
		fmt.Fprintf(io.err, "kratos-trace: %s; comparing what it holds\n", w)
	}
	return rec, nil
}

// bootOf is a recording as a boot to compare.
func bootOf(rec *replay.Recording) diff.Boot {
	return diff.Boot{Name: rec.Path, Events: rec.Events, Redacted: rec.Header.Redacted, HashKey: rec.Header.HashKey}
}

// printDiff writes the result as text, or as one JSON document.
func printDiff(w io.Writer, res *diff.Result, asJSON bool, o headless.DiffOptions) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	return headless.WriteDiff(w, res, o)
}

// useColor resolves --color for w.
func useColor(flag string, w io.Writer) (bool, error) {
	switch flag {
	case "always":
		return true, nil
	case "never":
		return false, nil
	case "auto", "":
		if _, ok := os.LookupEnv("NO_COLOR"); ok {
			return false, nil
		}
		f, ok := w.(*os.File)
		return ok && term.IsTerminal(f.Fd()), nil
	}
	return false, usage(fmt.Sprintf("--color %q is not auto, always or never", flag), "")
}

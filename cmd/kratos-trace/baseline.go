package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"

	"github.com/spf13/pflag"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/diff"
	"github.com/kratos-trace/kratos-trace/tracer/headless"
	"github.com/kratos-trace/kratos-trace/tracer/redact"
	"github.com/kratos-trace/kratos-trace/tracer/replay"
)

// baselineFlags are --baseline and how the boot is compared with it, on
// run, connect and replay.
type baselineFlags struct {
	path string
	diffFlags
}

func addBaselineFlags(f *pflag.FlagSet, o *baselineFlags) {
	f.StringVar(&o.path, "baseline", "", "at the end, print what is different in this boot from the recording `A.jsonl` (as kratos-trace diff does), and exit with status 1 when anything is (the times count only with --times); in the terminal UI, mark the phases and Bootstrap values that differ")
	addDiffFlags(f, &o.diffFlags, "with --baseline: ")
}

// baseline is the recording a trace is compared with at its end.
type baseline struct {
	rec  *replay.Recording
	opts diff.Options
}

// loadBaseline reads --baseline before anything is built or replayed, so
// that a bad file or flag is reported at once. It returns nil without
// --baseline, and refuses the flags that say how to compare then.
func loadBaseline(io streams, f baselineFlags) (*baseline, error) {
	if f.path == "" {
		flag := ""
		switch {
		case f.noTimes:
			flag = "--no-times"
		case f.threshold != diff.DefaultThreshold().String():
			flag = "--time-threshold"
		case f.times != "":
			flag = "--times"
		}
		if flag != "" {
			return nil, usage(flag+" goes with --baseline: it says how this boot is compared with the recording", "")
		}
		return nil, nil
	}
	opts, err := f.options()
	if err != nil {
		return nil, err
	}
	if f.path == "-" {
		return nil, usage("--baseline -: the baseline must be a file", "--baseline takes a recording made with kratos-trace run --record FILE.jsonl")
	}
	rec, err := replay.Read(f.path)
	if err != nil {
		fmt.Fprintf(io.err, "kratos-trace: the baseline: %v\n", err)
		fmt.Fprintln(io.err, "hint: --baseline takes a recording made with kratos-trace run --record FILE.jsonl")
		return nil, &exitError{code: exitTrouble}
	}
	if w := rec.Warning(); w != "" {
		fmt.Fprintf(io.err, "kratos-trace: the baseline: %s\n", w)
	}
	return &baseline{rec: rec, opts: opts}, nil
}

// compare compares a boot with the baseline. A boot that did not get to
// the exit (the trace was ended, or left the program running) is compared
// as far as it got.
func (b *baseline) compare(current diff.Boot) *diff.Result {
	opts := b.opts
	rec := &replay.Recording{Events: current.Events}
	// A stalled boot ended before the exit, as a cut one did.
	opts.Partial = !rec.Complete() || rec.Stalled()
	return diff.Compare(bootOf(b.rec), current, opts)
}

// check prints what is different in the boot from the baseline, to w, and
// makes a difference the exit status 1. runErr is how the trace itself
// ended: a failed trace keeps its own error, an interrupted one is not
// compared.
func (b *baseline) check(io streams, w io.Writer, current diff.Boot, lang tracer.Lang, runErr error) error {
	var ee *exitError
	if b == nil || (errors.As(runErr, &ee) && ee.code == exitInterrupted) || !slices.ContainsFunc(current.Events, tracer.Event.IsPhase) {
		// Interrupted, or nothing ran (a build that failed): there is no
		// boot to compare.
		return runErr
	}
	res := b.compare(current)
	color, _ := useColor("auto", w)
	fmt.Fprintln(w)
	if err := headless.WriteDiff(w, res, headless.DiffOptions{Color: color, Lang: lang}); err != nil {
		return errors.Join(runErr, err)
	}
	if runErr != nil {
		return runErr
	}
	if res.Differs() {
		fmt.Fprintf(io.err, "kratos-trace: this boot differs from the baseline %s in %d place(s)\n", b.rec.Path, res.Count())
		return &exitError{code: exitFailed}
	}
	return nil
}

// liveCompare returns what the terminal UI compares its trace with the
// baseline by, as the trace goes; boot names the trace and says how its
// events are masked. With mask the events are masked first (their secrets
// hashed under key, when there is one), as the recording of them would be;
// a replay's events are masked already.
func (b *baseline) liveCompare(boot diff.Boot, mask bool, key *redact.HashKey) func([]tracer.Event) *diff.Result {
	if b == nil {
		return nil
	}
	// The events of a trace share their Bootstrap tree until it changes:
	// each tree is masked once.
	var mu sync.Mutex
	masked := map[*tracer.Node]*tracer.Node{}
	return func(events []tracer.Event) *diff.Result {
		if mask {
			mu.Lock()
			out := make([]tracer.Event, len(events))
			for i, ev := range events {
				tree := ev.Bootstrap
				ev.Bootstrap = nil
				ev = redact.Event(ev)
				if tree != nil {
					if masked[tree] == nil {
						masked[tree] = redact.EventHashed(tracer.Event{Bootstrap: tree}, key).Bootstrap
					}
					ev.Bootstrap = masked[tree]
				}
				out[i] = ev
			}
			mu.Unlock()
			events = out
		}
		boot := boot
		boot.Events = events
		return b.compare(boot)
	}
}

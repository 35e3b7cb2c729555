package script

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/headless"
)

// Options control a script run.
type Options struct {
	// Out receives the script's report: the stops it pauses at, the
	// program's output, notes, printed values and each expect's outcome.
	Out io.Writer
	// Log receives progress (the build, the launch), as the headless
	// printer writes it.
	Log io.Writer
	// Note, when set, is also called with each note, e.g. for a notes area
	// in a UI.
	Note func(text string)
}

// Failure is a line of the script that failed: an expect that did not hold,
// a value that could not be read, or a command the trace could not follow.
type Failure struct {
	File string
	Line int
	// Command is the line as written.
	Command string
	Msg     string
}

func (f Failure) Error() string {
	return fmt.Sprintf("%s:%d: %s: %s", f.File, f.Line, f.Command, f.Msg)
}

// Result sums up a script run.
type Result struct {
	// Failures are the lines that failed, in order; none means the script
	// passed.
	Failures []Failure
	// ExitCode is the program's, or -1 if it did not exit (the script quit
	// or ended before).
	ExitCode int
	// Stalled is the stall event when the program reached no phase for
	// the stall time (delve.Config.Stall) and the trace ended there.
	Stalled *tracer.Event
}

// OK reports whether the script passed.
func (r *Result) OK() bool { return len(r.Failures) == 0 }

// ErrInterrupted is returned when ctx ended the run.
var ErrInterrupted = errors.New("interrupted")

// errAbort stops the script after a failure that makes the lines after it
// meaningless (the trace could not go on as the script says).
var errAbort = errors.New("abort")

// Run executes the script against src and closes src when it ends. It
// returns an error only when ctx ends the run; what failed in the script is
// in the Result.
func Run(ctx context.Context, src tracer.Source, s *Script, opts Options) (*Result, error) {
	defer src.Close()
	r := newRunner(src, s, opts)
	if err := r.run(ctx); err != nil {
		return r.res, err
	}
	return r.res, nil
}

func newRunner(src tracer.Source, s *Script, opts Options) *runner {
	if opts.Out == nil {
		opts.Out = io.Discard
	}
	r := &runner{
		src:    src,
		script: s,
		opts:   opts,
		events: src.Events(),
		breaks: map[tracer.PhaseID]bool{tracer.PhaseRunning: true},
		res:    &Result{ExitCode: -1},
		insp:   inspectState{locBreaks: map[string]bool{}},
	}
	// Nothing pauses but what the script asks for, and app.running. The
	// runner also checks each stop itself, so a stop the Source delivers
	// before these take effect is passed all the same.
	for _, ph := range tracer.Phases {
		_ = src.SetBreak(ph.ID, r.breaks[ph.ID])
	}
	return r
}

// run executes the commands until the last, a quit or a failure that stops
// the script. It returns ErrInterrupted when ctx ended it.
func (r *runner) run(ctx context.Context) error {
	for _, cmd := range r.script.Commands {
		r.cmd = cmd
		err := r.exec(ctx, cmd)
		if errors.Is(err, errQuit) {
			break
		}
		if ctx.Err() != nil {
			return ErrInterrupted
		}
		if errors.Is(err, errAbort) {
			r.printf("the script stops here: the lines after %s:%d cannot run\n", r.script.Name, cmd.Line)
			r.tell("The script stops here: the lines after line %d cannot run.", cmd.Line)
			break
		}
	}
	return nil
}

var errQuit = errors.New("quit")

type runner struct {
	src    tracer.Source
	script *Script
	opts   Options
	events <-chan tracer.Event
	breaks map[tracer.PhaseID]bool
	res    *Result
	st     state
	cmd    Command
	// insp is what the script asks the program itself (inspect.go).
	insp inspectState

	// paused: the Source waits for a command after the stop we hold.
	paused bool
	// ended: the event channel was closed.
	ended bool

	// ui is set when a UI shows the trace (see Lesson); nil when the
	// script's report is printed.
	ui *lessonUI
	// out prints the program's output (see output).
	out *headless.OutputWriter
	// sentRequest: a request command ran; from then on its replies pause,
	// as past one the App waits for another request or a signal.
	sentRequest bool
	// starting are the services of a system trace not yet at app.running:
	// at another's app.running, continue lets them start.
	starting map[string]bool
}

// tell shows a line of the script's report in the UI's notes, if there is a
// UI.
func (r *runner) tell(format string, args ...any) {
	if r.ui != nil {
		r.ui.note(fmt.Sprintf(format, args...))
	}
}

// gate comes before a command that lets the program run: with a UI, it
// shows the stop the script paused at (its notes were sent before it) and
// waits for the user to go on.
func (r *runner) gate(ctx context.Context) error {
	if r.ui == nil {
		return nil
	}
	return r.ui.deliverHeld(ctx, true)
}

func (r *runner) printf(format string, args ...any) {
	r.output().Break()
	fmt.Fprintf(r.opts.Out, format, args...)
}

// output is the writer of the program's output lines, which keeps a line
// that arrives in pieces whole.
func (r *runner) output() *headless.OutputWriter {
	if r.out == nil {
		r.out = headless.NewOutputWriter(r.opts.Out)
	}
	return r.out
}

// serviceOf is "NAME: " for an event of a system's service, so that a line
// on stderr says which service it is about, as the headless printer's do;
// "" for a trace of one service.
func serviceOf(ev tracer.Event) string {
	if ev.Service == "" {
		return ""
	}
	return ev.Service + ": "
}

func (r *runner) logf(format string, args ...any) {
	if r.opts.Log != nil {
		fmt.Fprintf(r.opts.Log, "kratos-trace: "+format+"\n", args...)
	}
}

// fail records a failure of the current line and prints it.
func (r *runner) fail(format string, args ...any) {
	f := Failure{File: r.script.Name, Line: r.cmd.Line, Command: r.cmd.Text, Msg: fmt.Sprintf(format, args...)}
	r.res.Failures = append(r.res.Failures, f)
	r.printf("FAIL %s\n", f.Error())
	r.tell("✗ line %d: %s: %s", f.Line, f.Command, f.Msg)
}

func (r *runner) exec(ctx context.Context, cmd Command) error {
	switch cmd.Op {
	case OpBreak, OpClear:
		for _, ph := range cmd.Phases {
			on := cmd.Op == OpBreak
			if ph == tracer.PhaseRunning || ph == tracer.PhaseRequestReply && r.sentRequest {
				// Past app.running the program waits for a signal: the
				// script must pause there to send it.
				on = true
			}
			r.breaks[ph] = on
			_ = r.src.SetBreak(ph, on)
		}
		for _, loc := range cmd.Locations {
			if cmd.Op == OpBreak {
				r.breakAt(ctx, loc)
			} else {
				r.clearAt(loc)
			}
		}
		if len(cmd.Locations) > 0 || slices.Contains(cmd.Phases, tracer.PhaseBreak) {
			r.syncBreakPhase()
		}
	case OpWatch:
		r.watch(ctx, cmd.Expr)
	case OpEval:
		n, err := r.eval(ctx, cmd.Expr)
		if err != nil {
			r.fail("%v", err)
			break
		}
		r.printValue(cmd.Expr, nodeText(n))
	case OpContinue:
		if err := r.gate(ctx); err != nil {
			return err
		}
		if r.st.atStop && tracer.IsServing(r.st.current.Phase) && r.st.current.Kind == tracer.KindStop && r.paused && len(r.starting) == 0 {
			r.fail("at app.running the program only waits for a signal; use sigterm to go on")
			return errAbort
		}
		if r.st.atStop && r.st.current.Phase == tracer.PhaseRequestReply && r.st.current.Kind == tracer.KindStop && r.paused {
			r.fail("after a request's reply the App waits for another request or a signal; use request or sigterm to go on")
			return errAbort
		}
		return r.resume(ctx, false)
	case OpSigterm:
		if err := r.gate(ctx); err != nil {
			return err
		}
		if !r.st.atStop || r.ended {
			r.fail("the program is not running here; sigterm is meant for a stop such as app.running")
			return errAbort
		}
		if err := r.src.Signal(ctx, syscall.SIGTERM); err != nil {
			r.fail("send SIGTERM: %v", err)
			return errAbort
		}
		r.paused = false
		return r.resume(ctx, true)
	case OpPrint:
		for _, p := range cmd.Paths {
			v, err := r.st.value(p)
			if err != nil {
				r.fail("%v", err)
				continue
			}
			r.printValue(p.String(), v)
		}
	case OpExpect:
		r.expect(ctx, cmd)
	case OpNote:
		r.printf("note: %s\n", cmd.Note)
		r.tell("%s", cmd.Note)
		if r.opts.Note != nil {
			r.opts.Note(cmd.Note)
		}
	case OpSleep:
		if r.ui != nil {
			// In a UI the user sets the pace.
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(cmd.Duration):
		}
	case OpRequest:
		return r.sendRequest(ctx, cmd)
	case OpQuit:
		if err := r.gate(ctx); err != nil {
			return err
		}
		r.printf("quit\n")
		_ = r.src.Close()
		return errQuit
	}
	return nil
}

func (r *runner) expect(ctx context.Context, cmd Command) {
	p := cmd.subject()
	var got string
	if cmd.Expr != "" {
		n, err := r.eval(ctx, cmd.Expr)
		if err != nil {
			r.fail("%v", err)
			return
		}
		got = nodeText(n)
	} else {
		v, err := r.st.value(cmd.Paths[0])
		if err != nil {
			r.fail("%v", err)
			return
		}
		got = v
	}
	var ok bool
	switch cmd.Cmp {
	case "==":
		ok = got == cmd.Want
	case "!=":
		ok = got != cmd.Want
	case "contains":
		ok = strings.Contains(got, cmd.Want)
	case "!contains":
		ok = !strings.Contains(got, cmd.Want)
	}
	if ok {
		r.printf("ok   %s\n", cmd.Text)
		r.tell("✓ %s", cmd.Text)
		return
	}
	shown := got
	if strings.Contains(shown, "\n") || len(shown) > 200 {
		shown = fmt.Sprintf("%d lines", strings.Count(got, "\n")+1)
		r.fail("it does not hold: %s is %s", p, shown)
		return
	}
	r.fail("it does not hold: %s is %q", p, got)
}

// resume runs the trace to the next stop the script pauses at, or to its
// end. It continues the Source first if it is paused, unless signalled says
// the signal already let it run.
func (r *runner) resume(ctx context.Context, signalled bool) error {
	if r.ended {
		r.fail("the trace has ended; there is nothing to continue")
		return errAbort
	}
	if r.paused && !signalled {
		if err := r.src.Continue(ctx); err != nil {
			r.fail("continue: %v", err)
			return errAbort
		}
	}
	r.paused = false
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case ev, ok := <-r.events:
			if !ok {
				r.ended = true
				return nil
			}
			r.st.observe(ev)
			wanted := r.show(ctx, ev)
			if r.ui != nil {
				if err := r.ui.pass(ctx, ev, wanted); err != nil {
					return err
				}
			}
			if wanted {
				return nil
			}
		}
	}
}

// show prints an event and reports whether the script pauses at it. A stop
// the script does not pause at is continued at once.
func (r *runner) show(ctx context.Context, ev tracer.Event) bool {
	if ev.System != nil {
		r.starting = map[string]bool{}
		for _, name := range ev.System.ServiceNames() {
			r.starting[name] = true
		}
	}
	if ev.Phase == tracer.PhaseRunning || (ev.Kind == tracer.KindStatus && ev.Skipped) || ev.Kind == tracer.KindExit {
		delete(r.starting, ev.Service)
	}
	switch ev.Kind {
	case tracer.KindStatus:
		r.logf("%s%s", serviceOf(ev), ev.Status)
	case tracer.KindSession:
		if s := ev.Session; s != nil {
			r.logf("%stracing %s (%s), kratos %s, %s", serviceOf(ev), s.Target, s.Package, s.KratosVersion, s.GoVersion)
		}
	case tracer.KindOutput:
		if ev.Output != nil {
			r.output().Write(*ev.Output)
		}
	case tracer.KindError:
		r.fail("the trace failed: %s", strings.SplitN(ev.Error, "\n", 2)[0])
	case tracer.KindHalt:
		// Only a recording brings a halt to a script (the script itself
		// never halts): it waits, as the halted program did, and the
		// script goes on past it.
		if err := r.src.Continue(ctx); err != nil && !errors.Is(err, tracer.ErrEnded) {
			r.fail("continue: %v", err)
		}
	case tracer.KindStall:
		r.res.Stalled = &ev
		r.printf("%s", headless.FormatGoroutines(ev))
		r.fail("the trace stalled: %s", ev.Reason)
	case tracer.KindExit:
		r.st.current, r.st.atStop = ev, true
		code := "?"
		if ev.ExitCode != nil {
			code = fmt.Sprint(*ev.ExitCode)
			r.res.ExitCode = *ev.ExitCode
		}
		r.printf("■ exit  status %s\n", code)
	case tracer.KindStop, tracer.KindStep:
		if ev.Kind == tracer.KindStop && r.pausesAt(ev) {
			r.st.current, r.st.atStop, r.paused = ev, true, true
			loc := ""
			if ev.File != "" {
				loc = fmt.Sprintf("%s:%d", filepath.Base(ev.File), ev.Line)
			}
			title := ""
			if t := tracer.TitleOf(ev.Phase, ev.Detail, tracer.English); t != "" {
				title = " — " + t
			}
			r.printf("● %s%s  %s\n", ev.Label(), title, loc)
			r.setPending(ctx)
			r.printWatches(ev)
			return true
		}
		if err := r.src.Continue(ctx); err != nil && !errors.Is(err, tracer.ErrEnded) {
			r.fail("continue past %s: %v", ev.Label(), err)
		}
	}
	return false
}

// pausesAt reports whether the script pauses at a stop: at a phase it
// breaks at, or at a breakpoint of its own by the location it gave.
func (r *runner) pausesAt(ev tracer.Event) bool {
	if ev.Phase == tracer.PhaseBreak {
		return r.breaks[tracer.PhaseBreak] || r.insp.locBreaks[ev.Detail]
	}
	return r.breaks[ev.Phase]
}

func indent(s, prefix string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = prefix + l
	}
	return strings.Join(lines, "\n")
}

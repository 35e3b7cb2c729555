package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/diff"
	"github.com/kratos-trace/kratos-trace/tui/internal/panes/output"
)

// DefaultOutputLines is how many lines of the program's output the Output
// pane keeps when Options.OutputLines is zero.
const DefaultOutputLines = output.DefaultLines

// Options configure the TUI.
type Options struct {
	// Target is what is traced as the user named it, e.g. "./demo"; the
	// status bar shows it until the session names it.
	Target string
	// Start starts a new trace. It is called at startup and again on `r`
	// (restart), each time after the previous Source was closed. It runs in
	// a goroutine of its own, never in Update.
	Start func(ctx context.Context) (tracer.Source, error)

	// Input and Output replace the terminal, for tests; nil means the
	// program's terminal.
	Input  io.Reader
	Output io.Writer
	// Now replaces the clock of the elapsed times, for tests; nil means
	// time.Now.
	Now func() time.Time
	// NoAnimation turns the spinner off, for tests that compare screens.
	NoAnimation bool

	// Lang is the language of the screen's words and of the phase notes;
	// "" means English.
	Lang tracer.Lang
	// Notes opens the Notes pane at the start, as for a learner; the N key
	// shows and hides it either way.
	Notes bool
	// Baseline, when set, compares the trace with a baseline as it goes:
	// it is called off the UI goroutine with the trace's events so far
	// (not the output), and the phases and config values that differ are
	// marked with the baseline's value beside them.
	Baseline func(events []tracer.Event) *diff.Result
	// OutputLines is how many lines of the program's output the Output
	// pane keeps (it says how many scrolled out); 0 means
	// DefaultOutputLines.
	OutputLines int
}

// Noter is implemented by a Source that comes with notes for the audience,
// such as a lesson script's note lines. The Notes pane shows them with the
// stop they were made at: a note belongs to the first stop the Source
// delivers after it (before the first stop, it introduces the trace). The
// TUI reads the notes and the events with one reader, so a Source that
// sends a stop's notes before the stop is shown them in that order. The
// channel must be closed when the Source is closed.
type Noter interface {
	Notes() <-chan string
}

// Run shows the TUI full screen until the user quits, ctx is cancelled or the
// TUI fails. On every one of those paths it closes the current Source (which
// kills the traced program) and restores the terminal. It returns nil when
// the user quit, ctx.Err() when ctx was cancelled, and an error when the TUI
// failed (a panic included).
func Run(ctx context.Context, opts Options) (err error) {
	if opts.Start == nil {
		return errors.New("tui: Options.Start is nil")
	}
	m := newModel(ctx, opts)
	defer func() {
		// Bubble Tea recovers panics in Update, View and commands, restores
		// the terminal and returns an error; this covers a panic outside it.
		if r := recover(); r != nil {
			err = fmt.Errorf("the TUI crashed: %v", r)
		}
		if cerr := m.run.close(); cerr != nil && err == nil {
			err = fmt.Errorf("close the trace: %w", cerr)
		}
	}()

	popts := []tea.ProgramOption{tea.WithContext(ctx)}
	if opts.Input != nil {
		popts = append(popts, tea.WithInput(opts.Input))
	}
	if opts.Output != nil {
		popts = append(popts, tea.WithOutput(opts.Output))
	}
	_, err = tea.NewProgram(m, popts...).Run()
	switch {
	case err == nil, errors.Is(err, tea.ErrInterrupted):
		return nil
	case errors.Is(err, tea.ErrProgramPanic):
		return fmt.Errorf("the TUI crashed (the trace was closed): %w", err)
	case ctx.Err() != nil:
		return ctx.Err()
	}
	return fmt.Errorf("tui: %w", err)
}

// runner owns the current Source. The model and Run share it, so that Run can
// close whatever Source is current when the program ends, including one
// whose Start was still under way.
type runner struct {
	start func(ctx context.Context) (tracer.Source, error)

	ctx    context.Context
	cancel context.CancelFunc

	mu     sync.Mutex
	src    tracer.Source
	gen    int // the generation of the newest start; older ones are stale
	closed bool
}

func newRunner(ctx context.Context, start func(context.Context) (tracer.Source, error)) *runner {
	ctx, cancel := context.WithCancel(ctx)
	return &runner{start: start, ctx: ctx, cancel: cancel}
}

// startedMsg reports the result of a start.
type startedMsg struct {
	gen int
	src tracer.Source
	err error
}

// startCmd closes the current Source and starts generation gen.
func (r *runner) startCmd(gen int) tea.Cmd {
	return func() tea.Msg {
		r.mu.Lock()
		if r.closed || gen < r.gen {
			r.mu.Unlock()
			return nil
		}
		r.gen = gen
		old := r.src
		r.src = nil
		r.mu.Unlock()
		if old != nil {
			_ = old.Close()
		}

		if r.start == nil {
			return startedMsg{gen: gen, err: errors.New("nothing to run: no Start function")}
		}
		src, err := r.start(r.ctx)
		if err != nil {
			return startedMsg{gen: gen, err: err}
		}
		r.mu.Lock()
		if r.closed || gen != r.gen {
			// The user quit or restarted while this one was starting.
			r.mu.Unlock()
			_ = src.Close()
			return nil
		}
		r.src = src
		r.mu.Unlock()
		return startedMsg{gen: gen, src: src}
	}
}

// close closes the current Source and stops any start under way from
// keeping its result. It is safe to call more than once.
func (r *runner) close() error {
	r.mu.Lock()
	src := r.src
	r.src = nil
	r.closed = true
	r.mu.Unlock()
	r.cancel()
	if src != nil {
		return src.Close()
	}
	return nil
}

// closeAndQuit closes the Source, then quits the program.
func (r *runner) closeAndQuit() tea.Msg {
	_ = r.close()
	return tea.Quit()
}

// eventMsg carries one event of generation gen.
type eventMsg struct {
	gen int
	ev  tracer.Event
}

// noteMsg carries one note of generation gen's Source (a Noter).
type noteMsg struct {
	gen  int
	text string
}

// notesClosedMsg: the notes channel of generation gen was closed.
type notesClosedMsg struct{ gen int }

// sourceClosedMsg: the events channel of generation gen was closed.
type sourceClosedMsg struct{ gen int }

// waitForEvent waits for the next event, or the next note when notes is
// not nil; the model re-arms it after each one.
func waitForEvent(gen int, ch <-chan tracer.Event, notes <-chan string) tea.Cmd {
	return func() tea.Msg {
		select {
		case text, ok := <-notes:
			if !ok {
				return notesClosedMsg{gen: gen}
			}
			return noteMsg{gen: gen, text: text}
		case ev, ok := <-ch:
			if !ok {
				return sourceClosedMsg{gen: gen}
			}
			return eventMsg{gen: gen, ev: ev}
		}
	}
}

// commandDoneMsg reports the result of a command sent to the Source.
type commandDoneMsg struct {
	gen  int
	name string
	err  error
	// result is what a call read (sourceCall), applied by the model.
	result tea.Msg
}

// sourceCommand runs a Source command in a goroutine; its result comes back
// as a commandDoneMsg.
func sourceCommand(gen int, name string, fn func() error) tea.Cmd {
	return func() tea.Msg {
		return commandDoneMsg{gen: gen, name: name, err: fn()}
	}
}

// sourceCall runs a command that reads something, such as an Inspector's
// Eval, in a goroutine; what it read comes back in the commandDoneMsg.
func sourceCall(gen int, name string, call func() (tea.Msg, error)) tea.Cmd {
	return func() tea.Msg {
		res, err := call()
		return commandDoneMsg{gen: gen, name: name, err: err, result: res}
	}
}

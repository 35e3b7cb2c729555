package tui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tui/internal/pane"
	"github.com/kratos-trace/kratos-trace/tui/internal/panes/source"
)

// Model is the root model of the TUI. It owns the focus, the size and the
// layout; the panes are plain structs it sizes, updates and draws.
type Model struct {
	opts Options
	run  *runner
	now  func() time.Time

	st      *pane.Styles
	tx      *pane.Text
	keys    keyMap
	help    help.Model
	spinner spinner.Model

	width, height int
	lay           layout
	focus         paneID
	// front lists the panes most recently brought forward first: a box
	// with tabs shows the first of them it holds (layout.go).
	front []paneID

	// services holds one set of panes per traced program, and service is
	// the one shown: a trace of one program has one. The embedded paneSet
	// is services[service], so that m.phases names its Phases pane.
	services []*paneSet
	service  int
	*paneSet
	// sys is the system of several services a trace may be (services.go).
	sys systemState
	// picker sends a request to the App (picker.go).
	picker requestPicker
	// notesOn: the Notes pane is shown (Options.Notes, then the N key).
	notesOn bool

	// The prompt and what the user inspects at a stop (inspect.go): the
	// goroutine and frame chosen, the breakpoints, the halt.
	prompt prompt
	insp   inspectState

	trace traceState
	// base compares the trace with Options.Baseline (baseline.go).
	base baselineState
	// cwd is where kratos-trace runs; the user's paths show relative to it.
	cwd string
	// files caches source files read from disk, by path, ready to draw; a
	// nil entry means the file could not be read.
	files map[string][]string
}

// traceState is what the model knows about the current trace.
type traceState struct {
	gen     int
	src     tracer.Source
	session *tracer.Session
	// notes are the Source's notes (a Noter), nil when it has none or
	// they have all been read.
	notes <-chan string

	launching bool // no stop yet: show the spinner
	startedAt time.Time
	statuses  []string
	// progress is the build's, while the last status is one of its.
	progress   *tracer.BuildProgress
	paused     bool // the program waits for a command
	ended      bool // the program exited, or the events channel was closed
	closed     bool // the events channel was closed
	quitting   bool
	exitCode   *int
	exitSignal string // the signal that killed the program, if one did
	fatal      string // a KindError, or a failed Start
	flash      string // the last command's error
	notice     string // what the last key did, when the screen does not show it
	stops      int
	last       *tracer.Event // the last stop or step
	phase      tracer.PhaseID
	phaseLabel string
	elapsed    tracer.Duration // since the program's launch, at the last phase event
	signalled  bool
	// serving is set from app.running until the App stops: requests can
	// be sent and SIGTERM stops the App, whatever the trace stopped at
	// since (a breakpoint of the user's, a step, a halt, a reply).
	serving     bool
	bootLeaves  map[string]string // the config at the previous stop
	hasSnapshot bool
	// Commands go to the Source one at a time, in the order of the keys, so
	// that "b" then "n" turns the break off before the program continues.
	queue []queuedCommand
	busy  bool

	// rewind: the Source is a tracer.Rewinder, which can move back to an
	// earlier stop. history then holds everything it delivered, in order,
	// so that the screen can be rebuilt as it was at that stop.
	rewind  bool
	history []delivery
}

// delivery is one thing a rewinding Source delivered: an event, or a note
// (a Noter's).
type delivery struct {
	ev     tracer.Event
	note   string
	isNote bool
}

// queuedCommand is a Source command waiting for the one before it.
type queuedCommand struct {
	name string
	fn   func() error
	// call, set instead of fn, also returns what the command read, as a
	// message for applyResult (an Inspector's answer).
	call func() (tea.Msg, error)
}

// NewModel returns the root model; Init starts the first trace. Run uses it,
// and tests drive it with teatest.
func NewModel(opts Options) Model {
	return newModel(context.Background(), opts)
}

func newModel(ctx context.Context, opts Options) Model {
	st := pane.NewStyles()
	tx := pane.TextFor(opts.Lang)
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	h := help.New()
	h.Styles = pane.HelpStyles()
	m := Model{
		opts:    opts,
		run:     newRunner(ctx, opts.Start),
		now:     now,
		st:      st,
		tx:      tx,
		keys:    newKeyMap(tx),
		help:    h,
		spinner: spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(pane.StyleCurrent())),
		focus:   panePhases,
		front:   []paneID{paneBootstrap},
		notesOn: opts.Notes,
		files:   map[string][]string{},
		prompt:  newPrompt(st, tx),
		base:    baselineState{compare: opts.Baseline},
	}
	m.services = []*paneSet{newPaneSet(st, tx, opts)}
	m.paneSet = m.services[0]
	if m.notesOn {
		m.bringForward(paneNotes)
	}
	m.trace = traceState{gen: 1, launching: true, startedAt: now()}
	if wd, err := os.Getwd(); err == nil {
		m.cwd = wd
	}
	m.setFocus(panePhases)
	return m
}

// Init starts the first trace.
func (m Model) Init() tea.Cmd {
	return tea.Batch(m.run.startCmd(m.trace.gen), m.spinnerTick())
}

func (m Model) spinnerTick() tea.Cmd {
	if m.opts.NoAnimation {
		return nil
	}
	return m.spinner.Tick
}

// Update handles one message. It never blocks: Source commands, starts and
// file reads run as tea.Cmds.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.relayout()
		return m, nil

	case startedMsg:
		if msg.gen != m.trace.gen {
			if msg.src != nil {
				_ = msg.src.Close()
			}
			return m, nil
		}
		if msg.err != nil {
			m.trace.launching = false
			m.trace.fatal = pane.SanitizeLines(pane.Format(m.tx.StartTrace, msg.err.Error()))
			return m, nil
		}
		m.trace.src = msg.src
		if n, ok := msg.src.(Noter); ok {
			m.trace.notes = n.Notes()
		}
		_, m.trace.rewind = msg.src.(tracer.Rewinder)
		m.keys.Previous.SetEnabled(m.trace.rewind)
		m.phases.SetRewind(m.trace.rewind)
		_, requester := msg.src.(tracer.Requester)
		m.keys.Request.SetEnabled(requester)
		// Breaks the user turned off before a restart stay off.
		for _, info := range tracer.Phases {
			if m.phases.BreakOff(info.ID) {
				src, phase := msg.src, info.ID
				m.enqueue(m.tx.CmdBreak, func() error { return src.SetBreak(phase, false) })
			}
		}
		return m, tea.Batch(m.waitForEvent(), m.inspectStarted(), m.nextCommand())

	case eventMsg:
		if msg.gen != m.trace.gen {
			return m, nil
		}
		cmd := m.receive(msg.ev)
		return m, tea.Batch(cmd, m.waitForEvent())

	case noteMsg:
		if msg.gen != m.trace.gen {
			return m, nil
		}
		if m.trace.rewind {
			m.trace.history = append(m.trace.history, delivery{note: msg.text, isNote: true})
		}
		m.notes.AddLessonNote(msg.text)
		return m, m.waitForEvent()

	case notesClosedMsg:
		if msg.gen != m.trace.gen {
			return m, nil
		}
		m.trace.notes = nil
		return m, m.waitForEvent()

	case sourceClosedMsg:
		if msg.gen != m.trace.gen {
			return m, nil
		}
		m.trace.ended = true
		m.trace.closed = true
		m.trace.paused = false
		m.trace.launching = false
		m.phases.Finish()
		// Notes may still come, e.g. a lesson's last words after the exit.
		return m, m.waitForEvent()

	case routesMsg:
		return m, m.takeRoutes(msg)

	case commandDoneMsg:
		if msg.gen != m.trace.gen {
			return m, nil
		}
		if msg.err != nil && !m.trace.quitting {
			m.trace.flash = m.commandError(msg.name, msg.err)
		}
		if errors.Is(msg.err, tracer.ErrNothingToStep) && !m.trace.ended {
			m.trace.paused = true // refused: the program did not move
		}
		m.trace.busy = false
		if msg.result != nil {
			return m, tea.Batch(m.applyResult(msg.result), m.nextCommand())
		}
		return m, m.nextCommand()

	case inspectMsg:
		if msg.gen != m.trace.gen {
			return m, nil
		}
		return m, m.applyResult(msg.result)

	case baselineMsg:
		m.applyBaseline(msg)
		return m, nil

	case fileLoadedMsg:
		m.files[msg.path] = msg.lines // nil when it could not be read
		if m.source.File() != msg.path {
			return m, nil
		}
		switch {
		case msg.err != nil && !m.source.HasCode():
			m.source.ShowNote(msg.path, m.source.Line(), pane.Format(m.tx.SourceUnavailable, msg.err.Error()))
		case msg.err == nil:
			m.source.ShowFile(msg.lines)
		}
		return m, nil

	case spinner.TickMsg:
		if !m.trace.launching || m.opts.NoAnimation {
			return m, nil // let the tick chain end
		}
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return m, cmd

	case tea.KeyPressMsg:
		if m.prompt.open {
			return m.promptKey(msg)
		}
		return m.handleKey(msg)

	case tea.PasteMsg:
		switch {
		case m.prompt.open:
			m.prompt.edit(msg)
		case m.picker.open:
			return m, m.picker.paste(msg)
		}
		return m, nil

	case tea.MouseClickMsg:
		return m, m.handleClick(msg.Mouse())

	case tea.MouseWheelMsg:
		mouse := msg.Mouse()
		if p, ok := m.lay.paneAt(mouse.X, mouse.Y, m.front); ok {
			delta := 3
			if mouse.Button == tea.MouseWheelUp {
				delta = -3
			}
			m.scrollPane(p, delta)
		}
		return m, nil
	}
	return m, nil
}

// waitForEvent waits for the next event or note of the current trace, or
// returns nil when neither can come any more.
func (m *Model) waitForEvent() tea.Cmd {
	t := &m.trace
	var events <-chan tracer.Event
	if t.src != nil && !t.closed {
		// After the exit too: a Rewinder keeps the channel open, so that
		// the trace can go back from its end.
		events = t.src.Events()
	}
	if events == nil && t.notes == nil {
		return nil
	}
	return waitForEvent(t.gen, events, t.notes)
}

// applyProgramEvent updates the panes with one event of the current
// trace, or of one service of a system (applyEvent, in services.go).
func (m *Model) applyProgramEvent(ev tracer.Event) tea.Cmd {
	t := &m.trace
	m.base.add(ev)
	switch ev.Kind {
	case tracer.KindStatus:
		if ev.Progress != nil {
			// The build's progress replaces its previous report.
			if t.progress != nil && len(t.statuses) > 0 {
				t.statuses = t.statuses[:len(t.statuses)-1]
			}
			t.statuses = append(t.statuses, serviceSaid(ev, ev.Progress.Text()))
			p := *ev.Progress
			t.progress = &p
			break
		}
		t.progress = nil
		t.statuses = append(t.statuses, serviceSaid(ev, pane.Sanitize(ev.Status)))
	case tracer.KindSession:
		t.session = ev.Session
		if ev.Session != nil {
			m.phases.SetPlan(ev.Session.Plan)
		}
	case tracer.KindOutput:
		if ev.Output != nil {
			m.output.Add(*ev.Output)
		}
	case tracer.KindError:
		m.servers.NoteRegistry(ev)
		t.fatal = pane.SanitizeLines(ev.Error)
		t.launching = false
		t.paused = false
		m.phases.Fail(ev)
		if len(ev.Stack) > 0 {
			m.stack.Set(ev.Goroutine, ev.Stack, m.shortPath)
		}
		if ev.File != "" {
			return m.showSource(ev)
		}
	case tracer.KindReturn, tracer.KindHalt, tracer.KindStall:
		return m.applyInspectEvent(ev)
	case tracer.KindStop, tracer.KindStep, tracer.KindPass, tracer.KindExit:
		m.leaveHalt()
		t.launching = false
		t.flash = ""
		m.phases.Apply(ev)
		m.notes.SetPhase(ev)
		t.phase, t.phaseLabel, t.elapsed = ev.Phase, pane.Sanitize(ev.Label()), ev.Elapsed
		t.noteServing(ev.Phase)
		m.takeSnapshot(ev)
		switch ev.Kind {
		case tracer.KindStop, tracer.KindStep:
			t.paused = true
			t.stops++
			evCopy := ev
			t.last = &evCopy
			m.stack.Set(ev.Goroutine, ev.Stack, m.shortPath)
			inspect := m.inspectStop(ev)
			m.suggestTab(ev.Phase)
			return tea.Batch(inspect, m.showSource(ev))
		case tracer.KindExit:
			t.paused = false
			t.ended = true
			t.exitCode, t.exitSignal = ev.ExitCode, ev.Signal
			if ev.File != "" {
				return m.showSource(ev)
			}
		}
	}
	return nil
}

// takeSnapshot shows the config and servers an event carries, marking the
// values that changed since the previous snapshot.
func (m *Model) takeSnapshot(ev tracer.Event) {
	if ev.Bootstrap != nil {
		var prev map[string]string
		switch {
		case ev.Phase == tracer.PhaseAttach:
			// Read in a program that was running already: nothing changed
			// here, it was so before the attach.
			prev = ev.Bootstrap.Leaves()
		case m.trace.hasSnapshot:
			prev = m.trace.bootLeaves
			if prev == nil {
				prev = map[string]string{}
			}
		}
		m.bootstrap.Set(ev.Bootstrap, prev)
		m.trace.bootLeaves = ev.Bootstrap.Leaves()
	}
	if ev.ConfigSources != nil {
		m.bootstrap.SetSources(ev.ConfigSources)
	}
	if ev.App != nil && ev.Bootstrap == nil {
		m.bootstrap.SetMissing(ev.App.BootstrapFrom)
	}
	if ev.Servers != nil {
		m.servers.Set(ev.Servers)
	}
	if ev.Clients != nil {
		m.servers.SetClients(ev.Clients)
	}
	m.servers.NoteRegistry(ev)
	m.trace.hasSnapshot = true
}

// suggestTab brings the pane that matters at a phase to the front of its
// box, unless the user is working in that box.
func (m *Model) suggestTab(phase tracer.PhaseID) {
	switch phase {
	case tracer.PhaseConfigScan:
		m.suggest(paneBootstrap)
	case tracer.PhaseWireDone, tracer.PhaseServerStart, tracer.PhaseAfterStart, tracer.PhaseRunning, tracer.PhaseAttach,
		tracer.PhaseServerStop, tracer.PhaseAfterStop, tracer.PhaseAppNew, tracer.PhaseRegister, tracer.PhaseDeregister,
		tracer.PhaseDiscoveryDial, tracer.PhaseDiscoveryUpdate:
		m.suggest(paneServers)
	}
}

// suggest brings p to the front of its box, unless the user is working in
// that box or the notes are on in the compact layout (the note says where
// to look).
func (m *Model) suggest(p paneID) {
	b, ok := m.lay.boxOf(p)
	if !ok {
		m.bringForward(p) // not placed yet: it comes first when it is
		return
	}
	if slices.Contains(b.panes, m.focus) || m.notesOn && slices.Contains(b.panes, paneNotes) {
		return
	}
	m.bringForward(p)
}

// bringForward makes p the pane its box shows.
func (m *Model) bringForward(p paneID) {
	if i := slices.Index(m.front, p); i >= 0 {
		m.front = slices.Delete(m.front, i, i+1)
	}
	m.front = slices.Insert(m.front, 0, p)
}

// visible reports whether pane p is drawn.
func (m *Model) visible(p paneID) bool { return m.lay.visible(p, m.front) }

// fileLoadedMsg carries a source file read from disk.
type fileLoadedMsg struct {
	path  string
	lines []string
	err   error
}

func loadFile(path string) tea.Cmd {
	return func() tea.Msg {
		b, err := os.ReadFile(path)
		if err != nil {
			return fileLoadedMsg{path: path, err: err}
		}
		return fileLoadedMsg{path: path, lines: source.Prepare(strings.Split(strings.TrimRight(string(b), "\n"), "\n"))}
	}
}

// showSource shows the code of a stop: its snippet, else the file. File is
// absolute (the user's code, or Kratos in the module cache); when it can be
// read here, the whole file replaces a snippet that matches it, so the pane
// can scroll past the snippet.
func (m *Model) showSource(ev tracer.Event) tea.Cmd {
	if ev.File == "" {
		m.source.ShowNote("", 0, m.tx.NoLocation)
		return nil
	}
	lines, cached := m.files[ev.File]
	if ev.Source != nil && len(ev.Source.Lines) > 0 {
		m.source.Show(ev.File, ev.Line, ev.Source.First, source.Prepare(ev.Source.Lines))
		if cached {
			m.source.ShowFile(lines)
		}
	} else {
		m.source.Show(ev.File, ev.Line, 1, lines)
		if cached && lines == nil {
			m.source.ShowNote(ev.File, ev.Line, m.tx.NoSnippet)
		}
	}
	if cached {
		return nil
	}
	return loadFile(ev.File)
}

// receive applies an event of the current trace. When a Rewinder
// delivers a stop it already delivered (its Seq is not past the events the
// model holds), the Source moved back: the screen is first rebuilt from the
// events before that stop.
func (m *Model) receive(ev tracer.Event) tea.Cmd {
	t := &m.trace
	if t.rewind {
		if i := t.redelivered(ev.Seq); i >= 0 {
			m.goBack(i)
		}
		t.history = append(t.history, delivery{ev: ev})
	}
	cmd := m.applyEvent(ev)
	if !m.base.keeps(ev) {
		// The events compared are as they were: so is the comparison.
		return cmd
	}
	return tea.Batch(cmd, m.base.compareCmd(t.gen))
}

// redelivered returns the index in the history of the first event whose
// Seq is seq or later, or -1 when there is none: the event with seq is new.
// Events come in increasing Seq unless the Source moved back, so the
// search starts from the end and stops at the first older event.
func (t *traceState) redelivered(seq int) int {
	if seq <= 0 {
		return -1 // a Source that does not number its events
	}
	at := -1
	for i := len(t.history) - 1; i >= 0; i-- {
		d := t.history[i]
		if d.isNote {
			continue
		}
		if d.ev.Seq < seq {
			break
		}
		at = i
	}
	return at
}

// goBack rebuilds the screen from the first n deliveries of the history,
// dropping the rest: the screen becomes what it was when the trace first
// got there. The trace's Source, its command queue and what the user chose
// (breaks, folds, focus) stay.
func (m *Model) goBack(n int) {
	old := m.trace
	m.trace = traceState{
		gen: old.gen, src: old.src, notes: old.notes,
		launching: true, startedAt: old.startedAt,
		quitting: old.quitting, notice: old.notice,
		queue: old.queue, busy: old.busy,
		rewind: true, history: old.history[:n],
	}
	m.resetPanes()
	for _, d := range m.trace.history {
		if d.isNote {
			m.notes.AddLessonNote(d.note)
			continue
		}
		// Its command would only read a file for the Source pane, which the
		// stop being re-delivered replaces.
		_ = m.applyEvent(d.ev)
	}
}

// commandError says why the command name failed.
func (m *Model) commandError(name string, err error) string {
	tx := m.tx
	switch {
	case errors.Is(err, tracer.ErrEnded):
		return m.endedText()
	case errors.Is(err, tracer.ErrNotPaused):
		return tx.NotPaused
	case errors.Is(err, tracer.ErrUnsupported):
		return pane.Format(tx.Unsupported, name)
	case errors.Is(err, tracer.ErrAtStart):
		return tx.AtStart
	case errors.Is(err, tracer.ErrNotInTrace):
		return pane.Format(tx.NotInTrace, name)
	}
	return name + ": " + err.Error()
}

// endedText says that the trace has ended and what the user can do.
func (m *Model) endedText() string {
	if m.trace.rewind && !m.trace.closed {
		return m.tx.EndedRewind
	}
	return m.tx.Ended
}

// handleKey handles a key: the root's own first (the picker's while it
// is open), then the focused pane's, then the keys that run the program
// and move in the pane.
func (m Model) handleKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	t := &m.trace
	t.notice = ""
	if m.picker.open {
		return m.pickerKey(msg)
	}
	switch {
	case key.Matches(msg, k.Request):
		return m, m.openPicker()

	case key.Matches(msg, k.Quit):
		if t.quitting {
			return m, tea.Quit // a second q does not wait for Close
		}
		t.quitting = true
		return m, m.run.closeAndQuit

	case key.Matches(msg, k.Help):
		m.help.ShowAll = !m.help.ShowAll
		m.relayout()
		return m, nil

	case key.Matches(msg, k.Notes):
		m.toggleNotes()
		return m, nil

	case key.Matches(msg, k.FocusNext):
		m.cycleFocus(1)
		return m, nil

	case key.Matches(msg, k.FocusPrev):
		m.cycleFocus(-1)
		return m, nil

	case key.Matches(msg, k.Prompt):
		return m, m.openPrompt()

	case key.Matches(msg, k.Halt):
		return m, m.halt()

	case key.Matches(msg, k.ServiceNext):
		return m, m.switchService(1)

	case key.Matches(msg, k.ServicePrev):
		return m, m.switchService(-1)
	}
	if req, ok := m.pane(m.focus).HandleKey(msg); ok {
		return m, m.apply(req)
	}
	switch {
	case key.Matches(msg, k.Restart):
		return m, m.restart()

	case key.Matches(msg, k.Next):
		return m, m.command(m.tx.CmdContinue, func(ctx context.Context, s tracer.Source) error { return s.Continue(ctx) })

	case key.Matches(msg, k.Step):
		return m, m.command(m.tx.CmdStepOver, func(ctx context.Context, s tracer.Source) error { return s.StepOver(ctx) })

	case key.Matches(msg, k.StepOut):
		return m, m.command(m.tx.CmdStepOut, func(ctx context.Context, s tracer.Source) error { return s.StepOut(ctx) })

	case key.Matches(msg, k.Term):
		cmd := m.command("SIGTERM", func(ctx context.Context, s tracer.Source) error { return s.Signal(ctx, syscall.SIGTERM) })
		if cmd != nil {
			t.signalled = true
		}
		return m, cmd

	case key.Matches(msg, k.Previous):
		return m, m.moveTrace(m.tx.CmdPrevious, func(ctx context.Context, r tracer.Rewinder) error { return r.Previous(ctx) })

	case key.Matches(msg, k.Up):
		return m, m.movePane(m.focus, -1)
	case key.Matches(msg, k.Down):
		return m, m.movePane(m.focus, 1)
	case key.Matches(msg, k.PageUp):
		return m, m.movePane(m.focus, -max(1, m.lay.panes[m.focus].h-3))
	case key.Matches(msg, k.PageDown):
		return m, m.movePane(m.focus, max(1, m.lay.panes[m.focus].h-3))
	case key.Matches(msg, k.Top):
		return m, m.movePane(m.focus, -pane.MoveAll)
	case key.Matches(msg, k.Bottom):
		return m, m.movePane(m.focus, pane.MoveAll)
	}
	return m, nil
}

// command queues a command for the Source; the resulting events arrive
// through the event channel.
func (m *Model) command(name string, fn func(context.Context, tracer.Source) error) tea.Cmd {
	t := &m.trace
	if t.src == nil || t.ended {
		if t.ended {
			t.flash = m.endedText()
		} else {
			t.flash = m.tx.NotRunningYet
		}
		return nil
	}
	t.flash = ""
	t.paused = false
	m.leaveHalt()
	m.letGo()
	src, ctx := t.src, m.run.ctx
	m.enqueue(name, func() error { return fn(ctx, src) })
	return m.nextCommand()
}

// moveTrace queues a move of a Rewinder, back or forth. Unlike the other
// commands it may be sent at the end of the trace, and the program stays
// paused as far as the screen is concerned: the move delivers the stop it
// lands on, or fails and leaves the trace where it was.
func (m *Model) moveTrace(name string, fn func(context.Context, tracer.Rewinder) error) tea.Cmd {
	t := &m.trace
	r, ok := t.src.(tracer.Rewinder)
	switch {
	case t.src == nil:
		t.flash = m.tx.NotRunningYet
		return nil
	case !ok:
		return nil // the keys are disabled; nothing to do
	case t.closed:
		t.flash = m.tx.Ended
		return nil
	}
	t.flash = ""
	ctx := m.run.ctx
	m.enqueue(name, func() error { return fn(ctx, r) })
	return m.nextCommand()
}

// jumpTo moves the trace to phase, back or forth: to the phase's first
// event.
func (m *Model) jumpTo(phase tracer.PhaseID) tea.Cmd {
	return m.moveTrace(pane.Format(m.tx.CmdJump, phase), func(ctx context.Context, r tracer.Rewinder) error { return r.JumpTo(ctx, phase) })
}

func (m *Model) enqueue(name string, fn func() error) {
	m.trace.queue = append(m.trace.queue, queuedCommand{name: name, fn: fn})
}

// nextCommand runs the first queued command unless one is under way.
func (m *Model) nextCommand() tea.Cmd {
	t := &m.trace
	if t.busy || len(t.queue) == 0 {
		return nil
	}
	c := t.queue[0]
	t.queue = t.queue[1:]
	t.busy = true
	if c.call != nil {
		return sourceCall(t.gen, c.name, c.call)
	}
	return sourceCommand(t.gen, c.name, c.fn)
}

// toggleBreak turns the break of phase on or off.
func (m *Model) toggleBreak(phase tracer.PhaseID) tea.Cmd {
	off := m.phases.ToggleBreak(phase)
	m.mirrorBreak(phase, off)
	m.trace.notice = pane.Format(m.tx.BreakOn, phase)
	if off {
		m.trace.notice = pane.Format(m.tx.BreakOff, phase)
	}
	if m.trace.src == nil || m.trace.closed {
		return nil // remembered for the next start
	}
	src := m.trace.src
	m.enqueue(m.tx.CmdBreak, func() error { return src.SetBreak(phase, !off) })
	return m.nextCommand()
}

// toggleNotes shows or hides the Notes pane. In the compact layout the
// notes become the first tab, shown at once.
func (m *Model) toggleNotes() {
	m.notesOn = !m.notesOn
	if m.notesOn {
		if b, ok := m.lay.boxOf(m.focus); !ok || !slices.Contains(b.panes, paneNotes) {
			m.bringForward(paneNotes)
		}
	} else if m.focus == paneNotes {
		m.setFocus(panePhases)
	}
	m.relayout()
}

// restart closes the current trace and starts a new one, keeping the
// breaks, the focus and the file cache.
func (m *Model) restart() tea.Cmd {
	if m.trace.quitting {
		return nil
	}
	gen := m.trace.gen + 1
	m.trace = traceState{gen: gen, launching: true, startedAt: m.now()}
	m.carryInspect() // the user's breakpoints and watches go to the new trace
	m.resetPanes()
	return tea.Batch(m.run.startCmd(gen), m.spinnerTick())
}

// resetPanes empties the panes of what the trace delivered, keeping what
// the user chose: the breaks, the folds, the sizes and the focus.
func (m *Model) resetPanes() {
	m.resetServices()
	m.resetInspect()
	m.resetBaseline()
}

func (m *Model) setFocus(p paneID) {
	m.focus = p
	m.bringForward(p)
	for id, pn := range m.all {
		pn.SetFocused(paneID(id) == p)
	}
}

// cycleFocus focuses the next pane in dir that has a place on the screen,
// skipping Notes while it is off and Goroutines without a halt.
func (m *Model) cycleFocus(dir int) {
	p := m.focus
	for range paneCount {
		p = paneID((int(p) + dir + int(paneCount)) % int(paneCount))
		if m.lay.tooSmall || m.lay.placed[p] {
			break
		}
	}
	m.setFocus(p)
}

// movePane moves the selection of pane p by delta rows, or scrolls a pane
// without one.
func (m *Model) movePane(p paneID, delta int) tea.Cmd {
	return m.apply(m.pane(p).Move(delta))
}

func (m *Model) scrollPane(p paneID, delta int) {
	m.pane(p).Scroll(delta)
}

// handleClick focuses the pane under the mouse and selects the row
// clicked; a click on a tab's name switches the tab.
func (m *Model) handleClick(mouse tea.Mouse) tea.Cmd {
	if mouse.Button != tea.MouseLeft {
		return nil
	}
	for _, b := range m.lay.boxes {
		if b.tabbed() && mouse.Y == b.r.y && mouse.X >= b.r.x && mouse.X < b.r.x+b.r.w {
			if p, ok := m.tabAt(b, mouse.X-b.r.x); ok {
				m.setFocus(p)
				return nil
			}
		}
	}
	p, ok := m.lay.paneAt(mouse.X, mouse.Y, m.front)
	if !ok {
		return nil
	}
	m.setFocus(p)
	r := m.lay.panes[p]
	row := mouse.Y - r.y - 1
	if row < 0 || row >= r.h-2 {
		return nil
	}
	return m.apply(m.pane(p).Click(row))
}

// relayout recomputes the layout and the panes' sizes.
func (m *Model) relayout() {
	m.help.SetWidth(max(0, m.width-2))
	m.lay = computeLayout(m.width, m.height, m.statusHeight(), m.optionalPanes())
	if m.lay.tooSmall {
		return
	}
	inner := func(p paneID) (int, int) {
		r := m.lay.panes[p]
		return max(0, r.w-2), max(0, r.h-2)
	}
	for _, s := range m.services {
		for id, p := range s.all {
			p.SetSize(inner(paneID(id)))
		}
	}
	m.prompt.SetSize(max(0, m.lay.prompt.w-2), max(0, m.lay.prompt.h-2))
	if !m.lay.placed[m.focus] && !m.lay.tooSmall {
		m.setFocus(panePhases)
	}
}

// shortPath shows a file as tracer.ShortPath does, the user's code
// relative to where kratos-trace runs, or else to the project.
func (m *Model) shortPath(path string) string {
	return m.pathNamer().short(path)
}

// pathNamer names files as shortPath does, apart from the Model: the view
// hands its short to the panes without a copy of the Model escaping.
type pathNamer struct {
	cwd     string
	session *tracer.Session
}

func (m *Model) pathNamer() pathNamer { return pathNamer{cwd: m.cwd, session: m.trace.session} }

func (n pathNamer) short(path string) string {
	project := ""
	if s := n.session; s != nil && s.WorkingDir != "" {
		project = filepath.Dir(filepath.Clean(s.WorkingDir))
	}
	return tracer.ShortPath(path, n.cwd, project)
}

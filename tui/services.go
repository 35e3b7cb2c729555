package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tui/internal/pane"
	"github.com/kratos-trace/kratos-trace/tui/internal/panes/system"
)

// A system trace (tracer/system) delivers the events of several services
// through one Source, each marked with its service (Event.Service), after
// a first event that carries the SystemPlan. The model then holds one
// paneSet per service (Model.services): each event goes to its service's
// panes, and every pane shows the selected service (Model.service), which
// the user switches with [ and ]. A services strip above the status line
// says where each service is. A trace of one service has no strip, no
// keys to switch and looks as it always did.
//
// The Source's commands act on the system as tracer/system defines them:
// n, s and o go to the one service paused (only one is, at a time), t
// shuts the whole system down in reverse start order, a break goes to
// every service. So the selection follows the service that pauses, as a
// debugger shows the thread that hit a breakpoint; the user may look at
// another service meanwhile, and the strip marks the paused one.

// svcState is where one service of a system is, for the strip.
type svcState int

const (
	svcWaiting    svcState = iota // waits for the services it comes after
	svcBuilding                   // its build runs
	svcBooting                    // launched, no phase yet
	svcPhase                      // at a phase of its boot or shutdown
	svcRunning                    // at app.running or a request after it
	svcStopped                    // exited by itself or after a signal
	svcFailed                     // an error, or a non-zero exit
	svcNotStarted                 // dropped: it will never start
)

// service is one service of a system trace as the strip shows it.
type service struct {
	name  string
	after []string // the services it starts after, from the plan
	state svcState
	phase string // the label of its last phase
	exit  string // how it ended, for the stopped and failed states
	// session is its trace's first event's: the status bar names the
	// selected service's target.
	session *tracer.Session
	// halted: h halted it, after its phase; it stays so until it is let
	// go or its next event comes.
	halted bool
}

// systemState is the model's view of a system trace: empty for a trace of
// one program.
type systemState struct {
	svcs []service
	// paused is the index of the service whose stop the trace shows
	// while the program waits, or -1.
	paused int
	// timeline is the whole system's timeline, which Phases shows
	// instead of the service's while view is on (m in Phases).
	timeline *system.Pane
	view     bool
}

// multi reports whether the trace is a system of several services.
func (s *systemState) multi() bool { return len(s.svcs) > 1 }

// index returns the index of the service named name, or -1.
func (s *systemState) index(name string) int {
	for i, v := range s.svcs {
		if v.name == name {
			return i
		}
	}
	return -1
}

// sysWords are the strip's words, in each language.
type sysWords struct {
	waiting, building, booting, running, stopped, failed, notStarted, paused, exited string
	halted, haltedAfter                                                              string
	waitsFor, waitsToStart                                                           string
	keyService, otherService                                                         string
	systemTitle                                                                      string
}

var sysWordsEN = sysWords{
	waiting: "waiting", building: "building", booting: "booting", running: "running",
	stopped: "stopped", failed: "failed", notStarted: "not started", paused: "paused at %s",
	exited: "exit %d", halted: "halted", haltedAfter: "halted (after %s)", keyService: "service",
	otherService: "%s is not the paused service: its values are read at its next stop",
	systemTitle:  "system",
	waitsFor:     "%s waits for %s to be running",
	waitsToStart: "%s waits to start",
}

var sysWordsZH = sysWords{
	waiting: "等待中", building: "构建中", booting: "启动中", running: "运行中",
	stopped: "已停止", failed: "失败", notStarted: "未启动", paused: "暂停于 %s",
	exited: "退出码 %d", halted: "已中断", haltedAfter: "已中断（%s 之后）", keyService: "切换服务",
	otherService: "%s 不是暂停的服务：它的值在它下次停下时读取",
	systemTitle:  "整个系统",
	waitsFor:     "%s 等待 %s 运行",
	waitsToStart: "%s 等待启动",
}

func (m *Model) sysWords() *sysWords {
	if m.opts.Lang == tracer.Chinese {
		return &sysWordsZH
	}
	return &sysWordsEN
}

// planSystem makes one paneSet per service of a system's plan. A plan of
// one service, or the plan of the system the model already holds (a
// rewinding Source delivers it again), changes nothing.
func (m *Model) planSystem(plan *tracer.SystemPlan) {
	names := plan.ServiceNames()
	if len(names) < 2 || len(names) == len(m.sys.svcs) && m.sys.multi() {
		return
	}
	m.sys = systemState{paused: -1}
	for i, name := range names {
		m.sys.svcs = append(m.sys.svcs, service{name: name, after: plan.Services[i].After})
		if i >= len(m.services) {
			m.services = append(m.services, newPaneSet(m.st, m.tx, m.opts))
		}
		m.services[i].phases.SetSystem(true)
	}
	tl := system.New(m.st, m.tx, names)
	tl.SetTitle(m.sysWords().systemTitle)
	m.sys.timeline = &tl
	m.keys.ServiceNext.SetHelp("[/]", m.sysWords().keyService)
	m.keys.ServiceNext.SetEnabled(true)
	m.keys.ServicePrev.SetEnabled(true)
	m.relayout() // the strip takes a line, and the new panes need sizes
}

// applySystemEvent applies an event of a system of several services: to
// the panes of its service, with the trace's state kept for the system as
// a whole (it ends when every service has, one service's failure is that
// service's).
func (m *Model) applySystemEvent(ev tracer.Event) tea.Cmd {
	i := m.sys.index(ev.Service)
	if i < 0 {
		// The system's own events: its statuses and errors.
		return m.applyProgramEvent(ev)
	}
	m.noteService(i, ev)
	t := &m.trace
	fatal, ended, exitCode, exitSignal := t.fatal, t.ended, t.exitCode, t.exitSignal
	if pauses(ev) {
		m.sys.paused = i
		m.selectService(i)
	}
	m.sys.timeline.Apply(i, ev)
	shown := m.service
	m.paneSet = m.services[i]
	cmd := m.applyProgramEvent(ev)
	m.paneSet = m.services[shown]
	if ev.Kind == tracer.KindError {
		// One service failed; the others go on. The strip and its
		// Phases say so; the flash names it.
		t.fatal, t.launching = fatal, false
		// The phase it failed at is its own, not where the system is.
		t.phase, t.phaseLabel = "", ""
		t.flash = ev.Service + ": " + firstOr(strings.Split(pane.SanitizeLines(ev.Error), "\n"), "")
	}
	t.session = m.sys.svcs[m.service].session
	if t.paused {
		m.sys.timeline.SetPaused(m.sys.paused)
	} else {
		m.sys.timeline.SetPaused(-1)
	}
	if ev.Kind == tracer.KindExit && !m.sys.allEnded() {
		t.ended, t.exitCode, t.exitSignal = ended, exitCode, exitSignal
	}
	if i != shown {
		// A file read for another service's Source pane would land in the
		// one shown.
		return nil
	}
	return cmd
}

// serviceSaid is a status as the launch's steps list it: named after its
// service in a system, whose services' steps are listed together.
func serviceSaid(ev tracer.Event, text string) string {
	if ev.Service == "" {
		return text
	}
	return ev.Service + ": " + text
}

// waitingStep is the last step of the launch while the selected service
// of a system waits for the ones it comes after, or "".
func (m *Model) waitingStep() string {
	if !m.sys.multi() || m.service >= len(m.sys.svcs) || m.sys.svcs[m.service].state != svcWaiting {
		return ""
	}
	v := m.sys.svcs[m.service]
	if len(v.after) == 0 {
		return pane.Format(m.sysWords().waitsToStart, v.name)
	}
	return pane.Format(m.sysWords().waitsFor, v.name, strings.Join(v.after, ", "))
}

// pauses reports whether the program waits for a command after ev.
func pauses(ev tracer.Event) bool {
	switch ev.Kind {
	case tracer.KindStop, tracer.KindStep, tracer.KindHalt:
		return true
	}
	return false
}

// allEnded reports whether every service has ended or will never start.
func (s *systemState) allEnded() bool {
	for _, v := range s.svcs {
		switch v.state {
		case svcStopped, svcFailed, svcNotStarted:
		default:
			return false
		}
	}
	return true
}

// noteService moves service i's state on with ev.
func (m *Model) noteService(i int, ev tracer.Event) {
	v := &m.sys.svcs[i]
	switch ev.Kind {
	case tracer.KindHalt:
		v.halted = true
	case tracer.KindStop, tracer.KindStep, tracer.KindPass, tracer.KindExit, tracer.KindError:
		v.halted = false
	}
	switch ev.Kind {
	case tracer.KindStatus:
		switch {
		case ev.Skipped || strings.HasPrefix(ev.Status, "not started"):
			v.state = svcNotStarted
		case ev.Status == tracer.StatusLoadedAhead:
			if v.state <= svcBuilding {
				v.state = svcWaiting
			}
		case ev.Progress != nil || strings.HasPrefix(ev.Status, "build"):
			if v.state <= svcBuilding {
				v.state = svcBuilding
			}
		case v.state <= svcBuilding:
			v.state = svcBooting
		}
	case tracer.KindSession:
		v.state, v.session = svcBooting, ev.Session
	case tracer.KindStop, tracer.KindStep, tracer.KindPass:
		v.phase = pane.Sanitize(ev.Label())
		order := tracer.Order(ev.Phase)
		v.state = svcPhase
		if order >= tracer.Order(tracer.PhaseRunning) && order < tracer.Order(tracer.PhaseStop) {
			v.state = svcRunning
		}
	case tracer.KindExit:
		if v.state == svcFailed {
			break // its error said why
		}
		v.state = svcStopped
		switch {
		case ev.Signal == "SIGTERM" || ev.Signal == "SIGINT":
			// The shutdown's signal killed it before its handlers were
			// installed: it stopped as it was told to.
		case ev.Signal != "":
			v.state, v.exit = svcFailed, ev.Signal
		case ev.ExitCode != nil && *ev.ExitCode != 0:
			v.state, v.exit = svcFailed, fmt.Sprintf(m.sysWords().exited, *ev.ExitCode)
		}
	case tracer.KindError:
		v.state = svcFailed
	}
}

// selectService shows service i's panes.
func (m *Model) selectService(i int) {
	if i == m.service || i < 0 || i >= len(m.services) {
		return
	}
	m.service = i
	m.paneSet = m.services[i]
	m.trace.session = m.sys.svcs[i].session
	m.relayout()
	m.setFocus(m.focus)
}

// switchService selects the next service (dir 1) or the previous (-1).
func (m *Model) switchService(dir int) tea.Cmd {
	n := len(m.sys.svcs)
	if n < 2 {
		return nil
	}
	m.selectService((m.service + dir + n) % n)
	if f := m.source.File(); f != "" {
		if _, cached := m.files[f]; !cached {
			return loadFile(f)
		}
	}
	return nil
}

// stripHeight is the lines the services strip takes: one in a system of
// several services, none otherwise.
func (m Model) stripHeight() int {
	if m.sys.multi() {
		return 1
	}
	return 0
}

// stripLine draws the services strip: each service's name and state, the
// selected one in brackets and bright, the paused one marked ⏸.
func (m Model) stripLine() string {
	st := m.st
	w := m.width
	var b strings.Builder
	used := 1
	b.WriteString(" ")
	for i, v := range m.sys.svcs {
		if i > 0 {
			b.WriteString(st.Border.Paint(" │ "))
			used += 3
		}
		state, ink := m.serviceState(i)
		name := v.name
		nameInk := st.Text
		if i == m.service {
			name = "[" + name + "]"
			nameInk = st.TitleFocused
		}
		b.WriteString(nameInk.Paint(name) + " " + ink.Paint(state))
		used += pane.TextWidth(name) + 1 + pane.TextWidth(state)
	}
	line := b.String()
	if used > w {
		return pane.Fit(pane.Truncate(line, w), w)
	}
	return pane.Fit(line, w)
}

// serviceState says where service i is, with its ink.
func (m Model) serviceState(i int) (string, pane.Ink) {
	st, wd := m.st, m.sysWords()
	v := m.sys.svcs[i]
	halted := wd.halted
	if v.phase != "" {
		halted = fmt.Sprintf(wd.haltedAfter, v.phase)
	}
	switch {
	case m.trace.paused && m.sys.paused == i && v.halted:
		return "⏸ " + halted, st.Current
	case m.trace.paused && m.sys.paused == i:
		return "⏸ " + fmt.Sprintf(wd.paused, v.phase), st.Current
	case v.halted && (v.state == svcPhase || v.state == svcRunning):
		// Its halt waits behind the paused service's, as every stop of a
		// system does; it is halted all the same.
		return halted, st.Current
	}
	switch v.state {
	case svcBuilding:
		return wd.building, st.Dim
	case svcBooting:
		return wd.booting, st.Dim
	case svcPhase:
		return v.phase, st.Text
	case svcRunning:
		return "● " + wd.running, st.OK
	case svcStopped:
		return wd.stopped, st.Dim
	case svcFailed:
		if v.exit != "" {
			return "✗ " + wd.failed + " (" + v.exit + ")", st.ErrBold
		}
		return "✗ " + wd.failed, st.ErrBold
	case svcNotStarted:
		return wd.notStarted, st.Dim
	}
	return wd.waiting, st.Dim
}

// resetServices empties every service's panes, and forgets the system:
// a new trace delivers its plan again.
func (m *Model) resetServices() {
	for _, s := range m.services {
		for _, p := range s.all {
			p.Reset()
		}
	}
	for i := range m.sys.svcs {
		m.sys.svcs[i] = service{name: m.sys.svcs[i].name}
	}
	m.sys.paused = -1
	if m.sys.timeline != nil {
		m.sys.timeline.Reset()
	}
}

// applyEvent updates the panes with one event of the current trace: a
// system's plan makes its services' panes, and in a system of several
// services each event goes to its service's.
func (m *Model) applyEvent(ev tracer.Event) tea.Cmd {
	if ev.System != nil {
		m.planSystem(ev.System)
	}
	if m.sys.multi() {
		return m.applySystemEvent(ev)
	}
	return m.applyProgramEvent(ev)
}

// pausedService names the paused service of a system before the state of
// the trace, e.g. "gateway: ", for the status bar: the state is the
// system's, whichever service is shown. It is "" for a single service.
func (m Model) pausedService() string {
	if !m.sys.multi() || !m.trace.paused || m.sys.paused < 0 {
		return ""
	}
	return m.sys.svcs[m.sys.paused].name + ": "
}

// showsOtherService reports whether a system's panes show a service other
// than the paused one: the program questioned (the Inspector) is the
// paused one, so the shown service's unread values stay unread.
func (m *Model) showsOtherService() bool {
	if !m.sys.multi() || m.service == m.sys.paused {
		return false
	}
	m.trace.notice = fmt.Sprintf(m.sysWords().otherService, m.sys.svcs[m.service].name)
	return true
}

// mirrorBreak shows the break of phase off (or on) in every service's
// Phases: a system's SetBreak goes to every service.
func (m *Model) mirrorBreak(phase tracer.PhaseID, off bool) {
	for _, s := range m.services {
		if s.phases.BreakOff(phase) != off {
			s.phases.ToggleBreak(phase)
		}
	}
}

// toggleSystemView switches Phases between the selected service's
// timeline and the whole system's (m in Phases): every service's Phases
// slot holds the one system timeline while the view is on.
func (m *Model) toggleSystemView() {
	if !m.sys.multi() {
		return
	}
	m.sys.view = !m.sys.view
	for _, s := range m.services {
		s.all[panePhases] = &s.phases
		if m.sys.view {
			s.all[panePhases] = m.sys.timeline
		}
	}
	m.relayout()
	m.setFocus(m.focus)
}

// selectFromTimeline shows the panes of the service whose row is
// selected in the system's timeline, and says when that service is not
// the paused one (its values wait for its next stop).
func (m *Model) selectFromTimeline(i int) {
	if i == m.service {
		return
	}
	m.selectService(i)
	m.showsOtherService()
}

// breakAtStop does what b does on the row of the stop numbered seq in
// service i's own Phases (b on a row of the system's timeline): the row's
// service is shown, whichever was, and its break, or its breakpoint, goes
// off or on.
func (m *Model) breakAtStop(i, seq int) tea.Cmd {
	m.selectService(i)
	if !m.phases.SelectStop(seq) {
		return nil
	}
	return m.apply(m.phases.BreakRequest())
}

// openStop shows the row of the stop numbered seq in service i's own
// Phases (enter on a row of the system's timeline), focused there.
func (m *Model) openStop(i, seq int) tea.Cmd {
	m.selectService(i)
	m.phases.SelectStop(seq)
	if m.sys.view {
		m.toggleSystemView()
	}
	m.setFocus(panePhases)
	m.showsOtherService()
	return m.apply(pane.PhaseSelected{})
}

// noteSystemHalt marks every service that ran as halted, once h has
// halted the system (Inspector.Halt halts every service that runs): the
// system delivers their halts one after the other, as it does every
// pause, but each has stopped now.
func (m *Model) noteSystemHalt() {
	for i := range m.sys.svcs {
		if v := &m.sys.svcs[i]; v.state == svcPhase || v.state == svcRunning {
			v.halted = true
		}
	}
}

// letGo notes that the paused service of a system runs again: a command
// that lets it run was sent.
func (m *Model) letGo() {
	if m.sys.multi() && m.sys.paused >= 0 {
		m.sys.svcs[m.sys.paused].halted = false
	}
}

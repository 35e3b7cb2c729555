package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"fmt"
	"strings"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// phaseMain is the stop at main.main that only programs which are not
// Kratos apps get (tracer.PhaseMain).
const phaseMain tracer.PhaseID = "main"

// rowState is where a phase of the timeline is.
type rowState int

const (
	statePending     rowState = iota // not reached yet
	stateCurrent                     // the program is paused here
	stateDone                        // stopped here, then went on
	statePassed                      // went through without pausing: its break is off
	stateSkipped                     // did not happen, e.g. app.register without a registrar
	stateUnavailable                 // cannot be traced in this program
	stateFailed                      // the program failed here, e.g. panicked
)

// rowKey identifies a timeline row: a phase, and for per-instance phases the
// instance (the provider, the server).
type rowKey struct {
	phase  tracer.PhaseID
	detail string
	// req and at tell a request's rows apart: its ID, and the row's
	// position among them (requests.go).
	req, at int
}

func keyOf(phase tracer.PhaseID, detail string) rowKey {
	if info, ok := tracer.Info(phase); !ok || !info.PerInstance {
		detail = ""
	}
	return rowKey{phase: phase, detail: detail}
}

// phaseRecord is what the trace has said about one row.
type phaseRecord struct {
	state  rowState
	since  tracer.Duration
	timed  bool
	detail string // the event's detail, for phases that are not per instance
	note   string
}

// timelineRow is one line of the Phases pane: a group header or a phase.
type timelineRow struct {
	header bool
	group  tracer.Group
	key    rowKey
	label  string
	nested bool
	rec    phaseRecord
	total  time.Duration // header rows: the time spent in the group
	// extra is set on the row of a user's breakpoint stop or a halt.
	extra *extraRow
	// title replaces the group's name on a header (a request's); depth
	// indents a request's call by how many calls enclose it.
	title string
	depth int
}

// phasesPane is the lifecycle timeline: every phase of the boot and the
// shutdown, grouped, with a marker for its state and the time it took.
type phasesPane struct {
	st *styles
	tx *text
	paneBase
	keys phasesKeys

	plan      []tracer.PlannedPhase
	records   map[rowKey]*phaseRecord
	instances map[tracer.PhaseID][]string // details in the order they were seen
	current   rowKey
	hasCur    bool
	// breakOff holds the phases whose break the user turned off.
	breakOff map[tracer.PhaseID]bool
	// requests are the rows of the requests sent (requests.go).
	requests requestRows

	rows     []timelineRow
	selected int
	offset   int

	// The rows of inspection (phasesinspect.go): the stops at the user's
	// breakpoints and the halts, in time order after the phase row before
	// them; the providers' results.
	extras  []*extraRow
	lastKey rowKey
	hasLast bool
	returns map[rowKey]*providerResults
	// breakpointSet holds the locations of the breakpoints set now; the
	// model sets it.
	breakpointSet map[string]bool
	// baseline notes, by row, how the rows differ from a baseline, and
	// baselineFooter counts the differences (baseline.go).
	baseline       map[rowKey]baselineMark
	baselineFooter string
	baselineLegend string
}

func newPhasesPane(st *styles, tx *text) phasesPane {
	p := phasesPane{st: st, tx: tx, keys: newPhasesKeys(tx), breakOff: map[tracer.PhaseID]bool{}}
	p.Reset()
	return p
}

// reset forgets the trace (for a restart) but keeps the breaks.
func (p *phasesPane) Reset() {
	p.plan = nil
	p.records = map[rowKey]*phaseRecord{}
	p.instances = map[tracer.PhaseID][]string{}
	p.requests = requestRows{}
	p.hasCur = false
	p.extras, p.hasLast = nil, false
	p.returns = map[rowKey]*providerResults{}
	p.rebuild()
	p.selected = p.firstPhaseRow()
	p.offset = 0
}

func (p *phasesPane) SetSize(w, h int) {
	p.w, p.h = w, h
	p.scrollToSelected()
}

func (p *phasesPane) setPlan(plan []tracer.PlannedPhase) {
	p.plan = plan
	p.rebuild()
}

// apply records a phase event (stop, pass, step or exit) and selects its row.
func (p *phasesPane) apply(ev tracer.Event) {
	ev.Detail, ev.Reason = sanitize(ev.Detail), sanitize(ev.Reason)
	var k rowKey
	if ev.Phase == tracer.PhaseBreak {
		k = p.extraKey(ev)
	} else {
		k = keyOf(ev.Phase, ev.Detail)
		if ev.Request != nil {
			k = p.requests.add(ev)
		}
		if k.detail != "" && !p.seen(k) {
			p.instances[k.phase] = append(p.instances[k.phase], k.detail)
		}
		p.lastKey, p.hasLast = k, true
	}
	rec := p.records[k]
	if rec == nil {
		rec = &phaseRecord{}
		p.records[k] = rec
	}
	if ev.Kind != tracer.KindStep {
		rec.since, rec.timed = ev.SincePrev, true
	}
	if k.detail == "" && ev.Phase != tracer.PhaseBreak {
		rec.detail = ev.Detail
	}
	if p.current != k {
		p.doneCurrent()
	}
	switch ev.Kind {
	case tracer.KindStop, tracer.KindStep:
		rec.state = stateCurrent
		p.current, p.hasCur = k, true
	case tracer.KindPass:
		rec.state = statePassed
		if ev.Skipped {
			rec.state = stateSkipped
			rec.note = ev.Reason
		}
	case tracer.KindExit:
		rec.state = stateDone
		if ev.ExitCode != nil {
			rec.note = f(p.tx.rowExitCode, *ev.ExitCode)
		}
		p.hasCur = false
	}
	p.rebuild()
	p.selectKey(k)
}

// fail marks the phase where the program failed (a KindError event).
func (p *phasesPane) fail(ev tracer.Event) {
	if ev.Phase == "" {
		return
	}
	ev.Detail = sanitize(ev.Detail)
	k := keyOf(ev.Phase, ev.Detail)
	rec := p.records[k]
	if rec == nil {
		rec = &phaseRecord{}
		p.records[k] = rec
	}
	rec.state = stateFailed
	rec.note = p.tx.rowFailed
	if p.current == k {
		p.hasCur = false
	}
	p.rebuild()
	p.selectKey(k)
}

// finish marks the paused phase done once the trace has ended.
func (p *phasesPane) finish() {
	if p.hasCur {
		p.doneCurrent()
		p.hasCur = false
		p.rebuild()
	}
}

// doneCurrent marks the paused row done, as the trace has left it.
func (p *phasesPane) doneCurrent() {
	if !p.hasCur {
		return
	}
	if cur := p.records[p.current]; cur != nil && cur.state == stateCurrent {
		cur.state = stateDone
	}
}

func (p *phasesPane) seen(k rowKey) bool {
	for _, d := range p.instances[k.phase] {
		if d == k.detail {
			return true
		}
	}
	return false
}

// rebuild derives the rows from the catalog, the plan and the events, keeping
// the selection on the same phase.
func (p *phasesPane) rebuild() {
	var selKey rowKey
	hadSel := p.selected >= 0 && p.selected < len(p.rows) && !p.rows[p.selected].header
	if hadSel {
		selKey = p.rows[p.selected].key
	}

	planned := map[rowKey]tracer.PlannedPhase{}
	plannedDetails := map[tracer.PhaseID][]string{}
	inPlan := map[tracer.PhaseID]bool{}
	for _, pl := range p.plan {
		k := keyOf(pl.Phase, pl.Detail)
		planned[k] = pl
		inPlan[pl.Phase] = true
		if k.detail != "" {
			plannedDetails[pl.Phase] = append(plannedDetails[pl.Phase], pl.Detail)
		}
	}
	seen := map[tracer.PhaseID]bool{}
	for k := range p.records {
		seen[k.phase] = true
	}
	// The timeline shows the phases the plan names, those that happened,
	// and the exit, which every trace ends with. Before the plan is known it
	// shows the Kratos lifecycle: main is a stop only for programs that are
	// not Kratos apps.
	shown := func(id tracer.PhaseID) bool {
		switch {
		case id == tracer.PhaseExit || seen[id]:
			return true
		case len(p.plan) > 0:
			return inPlan[id]
		}
		return id != phaseMain
	}

	rows := p.rows[:0]
	groups := []tracer.Group{tracer.GroupMain, tracer.GroupConfig, tracer.GroupWire, tracer.GroupRun, tracer.GroupShutdown}
	for _, g := range groups {
		if g == tracer.GroupShutdown {
			rows = p.appendRequestRows(rows)
		}
		head := len(rows)
		rows = append(rows, timelineRow{header: true, group: g})
		if g == groups[0] {
			rows = p.appendExtras(rows, rowKey{}, false)
		}
		for _, info := range tracer.Phases {
			if info.Group != g || !shown(info.ID) || info.ID == tracer.PhaseBreak {
				continue
			}
			details := []string{""}
			if info.PerInstance {
				details = p.instanceDetails(info.ID, plannedDetails)
			}
			for _, d := range details {
				k := rowKey{phase: info.ID, detail: d}
				row := timelineRow{key: k, nested: info.ID == tracer.PhaseWireProvider && d != ""}
				if rec := p.records[k]; rec != nil {
					row.rec = *rec
				} else if pl, ok := planned[k]; ok && pl.Unavailable != "" {
					row.rec = phaseRecord{state: stateUnavailable, note: pl.Unavailable}
				}
				if row.rec.detail == "" && d == "" {
					row.rec.detail = planned[k].Detail
				}
				row.label = rowLabel(info, d, row.nested)
				if row.rec.timed {
					rows[head].total += time.Duration(row.rec.since)
				}
				rows = append(rows, row)
				rows = p.appendExtras(rows, k, true)
			}
		}
	}
	// Drop the headers of groups with no phase shown.
	kept := rows[:0]
	for i, r := range rows {
		if r.header && (i+1 == len(rows) || rows[i+1].header) {
			continue
		}
		kept = append(kept, r)
	}
	p.rows = kept

	if hadSel {
		p.selectKey(selKey)
	}
	if p.selected >= len(p.rows) || p.selected < 0 || p.rows[p.selected].header {
		p.selected = p.firstPhaseRow()
	}
}

// instanceDetails lists the rows of a per-instance phase: the instances seen,
// then those planned but not seen yet. Before any is known the phase has one
// row without detail; server.stop expects the servers that were started.
func (p *phasesPane) instanceDetails(id tracer.PhaseID, planned map[tracer.PhaseID][]string) []string {
	out := append([]string(nil), p.instances[id]...)
	for _, d := range planned[id] {
		if !contains(out, d) {
			out = append(out, d)
		}
	}
	if len(out) == 0 && id == tracer.PhaseServerStop {
		out = append(out, p.instances[tracer.PhaseServerStart]...)
	}
	if len(out) == 0 {
		out = []string{""}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func rowLabel(info tracer.PhaseInfo, detail string, nested bool) string {
	switch {
	case nested:
		return detail
	case detail != "":
		return string(info.ID) + " " + detail
	}
	return string(info.ID)
}

func (p *phasesPane) firstPhaseRow() int {
	for i, r := range p.rows {
		if !r.header {
			return i
		}
	}
	return 0
}

func (p *phasesPane) selectKey(k rowKey) {
	for i, r := range p.rows {
		if !r.header && r.key == k {
			p.selected = i
			p.scrollToSelected()
			return
		}
	}
}

// selectedPhase returns the phase of the selected row.
func (p *phasesPane) selectedPhase() (tracer.PhaseID, bool) {
	if p.selected < 0 || p.selected >= len(p.rows) || p.rows[p.selected].header {
		return "", false
	}
	if x := p.rows[p.selected].extra; x != nil && x.halt {
		return "", false // a halt is no phase: it has no break
	}
	return p.rows[p.selected].key.phase, true
}

// move moves the selection by delta phase rows, skipping group headers.
func (p *phasesPane) move(delta int) {
	i := p.selected
	step := 1
	if delta < 0 {
		step, delta = -1, -delta
	}
	for delta > 0 {
		j := i + step
		for j >= 0 && j < len(p.rows) && p.rows[j].header {
			j += step
		}
		if j < 0 || j >= len(p.rows) {
			break
		}
		i = j
		delta--
	}
	p.selected = i
	p.scrollToSelected()
}

func (p *phasesPane) home() {
	p.selected = p.firstPhaseRow()
	p.offset = 0
}

func (p *phasesPane) end() {
	p.selected = len(p.rows) - 1
	p.scrollToSelected()
}

// clickRow selects the row at line y of the pane's content.
func (p *phasesPane) clickRow(y int) {
	i := p.offset + y
	if i >= 0 && i < len(p.rows) && !p.rows[i].header {
		p.selected = i
	}
}

// scroll moves the view without moving the selection (mouse wheel).
func (p *phasesPane) Scroll(delta int) {
	p.offset = clamp(p.offset+delta, 0, max(0, len(p.rows)-p.h))
}

// scrollToSelected keeps the selection in view with a line of context, and
// its group header when there is room.
func (p *phasesPane) scrollToSelected() {
	if p.h <= 0 {
		return
	}
	margin := min(2, (p.h-1)/2)
	if p.selected-margin < p.offset {
		p.offset = p.selected - margin
	}
	if p.selected+margin >= p.offset+p.h {
		p.offset = p.selected + margin - p.h + 1
	}
	p.offset = clamp(p.offset, 0, max(0, len(p.rows)-p.h))
}

func (p *phasesPane) Footer() string {
	if p.baselineFooter != "" {
		if s := p.scrollFooter(); s != "" {
			return p.baselineFooter + " · " + s
		}
		return p.baselineFooter
	}
	return p.scrollFooter()
}

func (p *phasesPane) scrollFooter() string {
	if len(p.rows) <= p.h {
		return ""
	}
	above, below := p.offset, max(0, len(p.rows)-p.offset-p.h)
	switch {
	case above > 0 && below > 0:
		return fmt.Sprintf("↑%d ↓%d", above, below)
	case above > 0:
		return fmt.Sprintf("↑%d", above)
	}
	return fmt.Sprintf("↓%d", below)
}

// timeWidth is the width of the time column; formatDuration fits in it.
const timeWidth = 6

func (p *phasesPane) View() []string {
	if p.w <= 0 || p.h <= 0 {
		return nil
	}
	out := make([]string, 0, p.h)
	end := min(len(p.rows), p.offset+p.h)
	for i := p.offset; i < end; i++ {
		out = append(out, p.renderRow(p.rows[i], i == p.selected))
	}
	if free := p.h - len(out); free > 0 && len(p.rows) <= p.h {
		if legend := p.legend(); len(legend) <= free {
			for len(out) < p.h-len(legend) {
				out = append(out, "")
			}
			out = append(out, legend...)
		}
	}
	return out
}

func (p *phasesPane) renderRow(r timelineRow, selected bool) string {
	st := p.st
	w := p.w
	if r.header {
		name := r.title
		if name == "" {
			name = p.tx.groups[r.group]
		}
		if name == "" {
			name = string(r.group)
		}
		nw := textWidth(name)
		line := " " + st.groupHeader.paint(name)
		if r.total > 0 && w >= nw+timeWidth+4 {
			line += spaces(w-1-nw-timeWidth-1) + st.dim.paint(padLeft(formatDuration(r.total), timeWidth))
		}
		return line
	}

	marker, mink := p.marker(r)
	indent := ""
	if r.nested {
		indent = "  "
	}
	if r.depth > 0 {
		indent = strings.Repeat(" ", r.depth)
	}
	var detail string
	if !r.nested && r.rec.detail != "" && r.key.detail == "" {
		detail = r.rec.detail
	}
	timeText := ""
	if r.rec.timed {
		timeText = formatDuration(time.Duration(r.rec.since))
	}
	// " ✓ label detail  note   1.23ms " : three cells before the label, a
	// gap and the time column after it, and one cell of margin.
	const lead = 3
	room := w - lead - len(indent) - 1 - timeWidth - 1
	if room < 4 {
		room = w - lead - len(indent)
		timeText = ""
	}
	label := r.label
	if textWidth(label) > room {
		label = compactAddresses(label)
	}
	text := truncate(label, room)
	used := textWidth(text)
	labelInk := st.text
	switch r.rec.state {
	case statePending, stateSkipped, stateUnavailable:
		labelInk = st.dim
	case stateCurrent:
		labelInk = st.current
	case stateFailed:
		labelInk = st.err
	}
	extra := ""
	if detail != "" && used+2 < room {
		d := truncate(detail, room-used-1)
		extra += " " + d
		used += 1 + textWidth(d)
	}
	if r.rec.note != "" && used+3 < room {
		n := truncate(r.rec.note, room-used-2)
		extra += "  " + n
		used += 2 + textWidth(n)
	}
	// A row that differs from the baseline is marked in the margin, and
	// says how where there is room (the status line has the whole of it).
	base, margin := "", " "
	if b := p.baseline[r.key].short; b != "" {
		margin = markBaseline
		if used+2+textWidth(b) <= room {
			base = "  " + b
			used += textWidth(base)
		}
	}
	pad := w - lead - len(indent) - used - timeWidth - 1

	if selected {
		plain := margin + marker + " " + indent + text + extra + base
		if timeText != "" {
			plain += spaces(pad) + padLeft(timeText, timeWidth)
		}
		if p.focused {
			return st.selected.paint(fit(plain, w))
		}
		return st.selectedDim.paint(fit(plain, w))
	}
	var b strings.Builder
	b.WriteString(st.changed.paint(margin))
	b.WriteString(mink.paint(marker))
	b.WriteString(" ")
	b.WriteString(indent)
	b.WriteString(labelInk.paint(text))
	b.WriteString(st.dim.paint(extra))
	b.WriteString(st.changed.paint(base))
	if timeText != "" {
		b.WriteString(spaces(pad))
		ti := st.dim
		if r.rec.state == stateCurrent {
			ti = st.current
		}
		b.WriteString(ti.paint(padLeft(timeText, timeWidth)))
	}
	return b.String()
}

// compactAddresses shortens every host:port in s to :port, so that
// "server.start grpc 127.0.0.1:9000" fits a narrow timeline as
// "server.start grpc :9000".
func compactAddresses(s string) string {
	fields := strings.Fields(s)
	for i, f := range fields {
		if j := strings.LastIndexByte(f, ':'); j > 0 && j < len(f)-1 && isDigits(f[j+1:]) && !strings.Contains(f, "/") {
			fields[i] = f[j:]
		}
	}
	return strings.Join(fields, " ")
}

// The markers of the timeline, also listed in the legend.
const (
	markDone        = "✓"
	markCurrent     = "▶"
	markPending     = "·"
	markPassed      = "↷"
	markSkipped     = "⊘"
	markUnavailable = "–"
	markFailed      = "✗"
)

func (p *phasesPane) marker(r timelineRow) (string, ink) {
	st := p.st
	switch r.rec.state {
	case stateCurrent:
		return markCurrent, st.current
	case stateDone:
		return markDone, st.ok
	case statePassed:
		return markPassed, st.passed
	case stateSkipped:
		return markSkipped, st.dim
	case stateUnavailable:
		return markUnavailable, st.dim
	case stateFailed:
		return markFailed, st.errBold
	}
	if p.breakOff[r.key.phase] {
		return markPassed, st.dim
	}
	return markPending, st.dim
}

func (p *phasesPane) legend() []string {
	tx := p.tx
	items := []string{
		markDone + " " + tx.legendStopped, markCurrent + " " + tx.legendPaused, markPassed + " " + tx.legendNoBreak,
		markSkipped + " " + tx.legendSkipped, markPending + " " + tx.legendPending,
	}
	if p.baselineLegend != "" {
		items = append(items, markBaseline+" "+p.baselineLegend)
	}
	var out []string
	line := ""
	for _, it := range items {
		switch {
		case line == "":
			line = " " + it
		case textWidth(line)+2+textWidth(it) <= p.w:
			line += "  " + it
		default:
			out = append(out, p.st.dim.paint(line))
			line = " " + it
		}
	}
	if line != "" {
		out = append(out, p.st.dim.paint(line))
	}
	return out
}

// formatDuration writes d in at most six cells: 412µs, 1.85ms, 12.3ms,
// 120ms, 4.82s, 1m05s.
func formatDuration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d.Microseconds())
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
	case d < 100*time.Millisecond:
		return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	case d < 10*time.Second:
		return fmt.Sprintf("%.2fs", d.Seconds())
	case d < 100*time.Second:
		return fmt.Sprintf("%.1fs", d.Seconds())
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}

// Move moves the selection by delta phases, or to the first or last row
// with ±moveAll; Variables follows it (a provider's results).
func (p *phasesPane) Move(delta int) paneRequest {
	switch {
	case delta <= -moveAll:
		p.home()
	case delta >= moveAll:
		p.end()
	default:
		p.move(delta)
	}
	return phaseSelectedRequest{}
}

// Click selects the phase at row y.
func (p *phasesPane) Click(y int) paneRequest {
	p.clickRow(y)
	return phaseSelectedRequest{}
}

// phasesKeys are the keys of the Phases pane.
type phasesKeys struct {
	// Break turns the selected phase's break off or on; on the row of a
	// user's breakpoint, it clears the breakpoint or sets it again.
	Break key.Binding
	// Jump moves a trace that can go back to the selected phase; it is
	// enabled with the model's Previous (setRewind).
	Jump key.Binding
}

func newPhasesKeys(tx *text) phasesKeys {
	return phasesKeys{
		Break: key.NewBinding(key.WithKeys("b"), key.WithHelp("b", tx.keyBreak)),
		Jump:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", tx.keyJump), key.WithDisabled()),
	}
}

// setRewind enables the jump, for a Source that can go back.
func (p *phasesPane) setRewind(on bool) { p.keys.Jump.SetEnabled(on) }

func (p *phasesPane) Keys() []key.Binding { return []key.Binding{p.keys.Break, p.keys.Jump} }

func (p *phasesPane) ShortHelp(c hintContext) []key.Binding {
	if c.launching {
		return []key.Binding{p.keys.Break}
	}
	return []key.Binding{p.keys.Break, p.keys.Jump}
}

func (p *phasesPane) HandleKey(msg tea.KeyPressMsg) (paneRequest, bool) {
	switch {
	case key.Matches(msg, p.keys.Break):
		if loc, ok := p.selectedBreak(); ok {
			return breakpointToggleRequest{loc: loc}, true
		}
		if phase, ok := p.selectedPhase(); ok {
			return breakToggleRequest{phase: phase}, true
		}
		return nil, true
	case key.Matches(msg, p.keys.Jump):
		if phase, ok := p.selectedPhase(); ok {
			return jumpRequest{phase: phase}, true
		}
		return nil, true
	}
	return nil, false
}

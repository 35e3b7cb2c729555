package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"fmt"
	"strings"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tui/internal/pane"
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
	st *pane.Styles
	tx *pane.Text
	pane.Base
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
	returns map[rowKey]*pane.ProviderResults
	// breakpointSet holds the locations of the breakpoints set now; the
	// model sets it.
	breakpointSet map[string]bool
	// baseline notes, by row, how the rows differ from a baseline, and
	// baselineFooter counts the differences (baseline.go).
	baseline       map[rowKey]pane.BaselineMark
	baselineFooter string
	baselineLegend string
}

func newPhasesPane(st *pane.Styles, tx *pane.Text) phasesPane {
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
	p.returns = map[rowKey]*pane.ProviderResults{}
	p.rebuild()
	p.selected = p.firstPhaseRow()
	p.offset = 0
}

func (p *phasesPane) SetSize(w, h int) {
	p.W, p.H = w, h
	p.scrollToSelected()
}

func (p *phasesPane) setPlan(plan []tracer.PlannedPhase) {
	p.plan = plan
	p.rebuild()
}

// apply records a phase event (stop, pass, step or exit) and selects its row.
func (p *phasesPane) apply(ev tracer.Event) {
	ev.Detail, ev.Reason = pane.Sanitize(ev.Detail), pane.Sanitize(ev.Reason)
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
			rec.note = pane.Format(p.tx.RowExitCode, *ev.ExitCode)
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
	ev.Detail = pane.Sanitize(ev.Detail)
	k := keyOf(ev.Phase, ev.Detail)
	rec := p.records[k]
	if rec == nil {
		rec = &phaseRecord{}
		p.records[k] = rec
	}
	rec.state = stateFailed
	rec.note = p.tx.RowFailed
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
	p.offset = pane.Clamp(p.offset+delta, 0, max(0, len(p.rows)-p.H))
}

// scrollToSelected keeps the selection in view with a line of context, and
// its group header when there is room.
func (p *phasesPane) scrollToSelected() {
	if p.H <= 0 {
		return
	}
	margin := min(2, (p.H-1)/2)
	if p.selected-margin < p.offset {
		p.offset = p.selected - margin
	}
	if p.selected+margin >= p.offset+p.H {
		p.offset = p.selected + margin - p.H + 1
	}
	p.offset = pane.Clamp(p.offset, 0, max(0, len(p.rows)-p.H))
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
	if len(p.rows) <= p.H {
		return ""
	}
	above, below := p.offset, max(0, len(p.rows)-p.offset-p.H)
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
	if p.W <= 0 || p.H <= 0 {
		return nil
	}
	out := make([]string, 0, p.H)
	end := min(len(p.rows), p.offset+p.H)
	for i := p.offset; i < end; i++ {
		out = append(out, p.renderRow(p.rows[i], i == p.selected))
	}
	if free := p.H - len(out); free > 0 && len(p.rows) <= p.H {
		if legend := p.legend(); len(legend) <= free {
			for len(out) < p.H-len(legend) {
				out = append(out, "")
			}
			out = append(out, legend...)
		}
	}
	return out
}

func (p *phasesPane) renderRow(r timelineRow, selected bool) string {
	st := p.st
	w := p.W
	if r.header {
		name := r.title
		if name == "" {
			name = p.tx.Groups[r.group]
		}
		if name == "" {
			name = string(r.group)
		}
		nw := pane.TextWidth(name)
		line := " " + st.GroupHeader.Paint(name)
		if r.total > 0 && w >= nw+timeWidth+4 {
			line += pane.Spaces(w-1-nw-timeWidth-1) + st.Dim.Paint(pane.PadLeft(pane.FormatDuration(r.total), timeWidth))
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
		timeText = pane.FormatDuration(time.Duration(r.rec.since))
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
	if pane.TextWidth(label) > room {
		label = compactAddresses(label)
	}
	text := pane.Truncate(label, room)
	used := pane.TextWidth(text)
	labelInk := st.Text
	switch r.rec.state {
	case statePending, stateSkipped, stateUnavailable:
		labelInk = st.Dim
	case stateCurrent:
		labelInk = st.Current
	case stateFailed:
		labelInk = st.Err
	}
	extra := ""
	if detail != "" && used+2 < room {
		d := pane.Truncate(detail, room-used-1)
		extra += " " + d
		used += 1 + pane.TextWidth(d)
	}
	if r.rec.note != "" && used+3 < room {
		n := pane.Truncate(r.rec.note, room-used-2)
		extra += "  " + n
		used += 2 + pane.TextWidth(n)
	}
	// A row that differs from the baseline is marked in the margin, and
	// says how where there is room (the status line has the whole of it).
	base, margin := "", " "
	if b := p.baseline[r.key].Short; b != "" {
		margin = pane.MarkBaseline
		if used+2+pane.TextWidth(b) <= room {
			base = "  " + b
			used += pane.TextWidth(base)
		}
	}
	pad := w - lead - len(indent) - used - timeWidth - 1

	if selected {
		plain := margin + marker + " " + indent + text + extra + base
		if timeText != "" {
			plain += pane.Spaces(pad) + pane.PadLeft(timeText, timeWidth)
		}
		if p.Focused {
			return st.Selected.Paint(pane.Fit(plain, w))
		}
		return st.SelectedDim.Paint(pane.Fit(plain, w))
	}
	var b strings.Builder
	b.WriteString(st.Changed.Paint(margin))
	b.WriteString(mink.Paint(marker))
	b.WriteString(" ")
	b.WriteString(indent)
	b.WriteString(labelInk.Paint(text))
	b.WriteString(st.Dim.Paint(extra))
	b.WriteString(st.Changed.Paint(base))
	if timeText != "" {
		b.WriteString(pane.Spaces(pad))
		ti := st.Dim
		if r.rec.state == stateCurrent {
			ti = st.Current
		}
		b.WriteString(ti.Paint(pane.PadLeft(timeText, timeWidth)))
	}
	return b.String()
}

// compactAddresses shortens every host:port in s to :port, so that
// "server.start grpc 127.0.0.1:9000" fits a narrow timeline as
// "server.start grpc :9000".
func compactAddresses(s string) string {
	fields := strings.Fields(s)
	for i, f := range fields {
		if j := strings.LastIndexByte(f, ':'); j > 0 && j < len(f)-1 && pane.IsDigits(f[j+1:]) && !strings.Contains(f, "/") {
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

func (p *phasesPane) marker(r timelineRow) (string, pane.Ink) {
	st := p.st
	switch r.rec.state {
	case stateCurrent:
		return markCurrent, st.Current
	case stateDone:
		return markDone, st.OK
	case statePassed:
		return markPassed, st.Passed
	case stateSkipped:
		return markSkipped, st.Dim
	case stateUnavailable:
		return markUnavailable, st.Dim
	case stateFailed:
		return markFailed, st.ErrBold
	}
	if p.breakOff[r.key.phase] {
		return markPassed, st.Dim
	}
	return markPending, st.Dim
}

func (p *phasesPane) legend() []string {
	tx := p.tx
	items := []string{
		markDone + " " + tx.LegendStopped, markCurrent + " " + tx.LegendPaused, markPassed + " " + tx.LegendNoBreak,
		markSkipped + " " + tx.LegendSkipped, markPending + " " + tx.LegendPending,
	}
	if p.baselineLegend != "" {
		items = append(items, pane.MarkBaseline+" "+p.baselineLegend)
	}
	var out []string
	line := ""
	for _, it := range items {
		switch {
		case line == "":
			line = " " + it
		case pane.TextWidth(line)+2+pane.TextWidth(it) <= p.W:
			line += "  " + it
		default:
			out = append(out, p.st.Dim.Paint(line))
			line = " " + it
		}
	}
	if line != "" {
		out = append(out, p.st.Dim.Paint(line))
	}
	return out
}

// Move moves the selection by delta phases, or to the first or last row
// with ±moveAll; Variables follows it (a provider's results).
func (p *phasesPane) Move(delta int) pane.Request {
	switch {
	case delta <= -pane.MoveAll:
		p.home()
	case delta >= pane.MoveAll:
		p.end()
	default:
		p.move(delta)
	}
	return pane.PhaseSelected{}
}

// Click selects the phase at row y.
func (p *phasesPane) Click(y int) pane.Request {
	p.clickRow(y)
	return pane.PhaseSelected{}
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

func newPhasesKeys(tx *pane.Text) phasesKeys {
	return phasesKeys{
		Break: key.NewBinding(key.WithKeys("b"), key.WithHelp("b", tx.KeyBreak)),
		Jump:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", tx.KeyJump), key.WithDisabled()),
	}
}

// setRewind enables the jump, for a Source that can go back.
func (p *phasesPane) setRewind(on bool) { p.keys.Jump.SetEnabled(on) }

func (p *phasesPane) Keys() []key.Binding { return []key.Binding{p.keys.Break, p.keys.Jump} }

func (p *phasesPane) ShortHelp(c pane.Hints) []key.Binding {
	if c.Launching {
		return []key.Binding{p.keys.Break}
	}
	return []key.Binding{p.keys.Break, p.keys.Jump}
}

func (p *phasesPane) HandleKey(msg tea.KeyPressMsg) (pane.Request, bool) {
	switch {
	case key.Matches(msg, p.keys.Break):
		if loc, ok := p.selectedBreak(); ok {
			return pane.BreakpointToggle{Loc: loc}, true
		}
		if phase, ok := p.selectedPhase(); ok {
			return pane.BreakToggle{Phase: phase}, true
		}
		return nil, true
	case key.Matches(msg, p.keys.Jump):
		if phase, ok := p.selectedPhase(); ok {
			return pane.Jump{Phase: phase}, true
		}
		return nil, true
	}
	return nil, false
}

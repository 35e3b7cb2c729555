// Package phases is the Phases pane: the lifecycle timeline, every phase
// of the boot and the shutdown grouped, with a marker for its state and
// the time it took; the rows of the user's breakpoint stops, the halts and
// the providers' results (inspect.go); the rows of the requests sent
// (requests.go).
package phases

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

// State is where a phase of the timeline is.
type State int

const (
	StatePending     State = iota // not reached yet
	StateCurrent                  // the program is paused here
	StateDone                     // stopped here, then went on
	StatePassed                   // went through without pausing: its break is off
	StateSkipped                  // did not happen, e.g. app.register without a registrar
	StateUnavailable              // cannot be traced in this program
	StateFailed                   // the program failed here, e.g. panicked
)

// RowKey identifies a timeline row: a phase, and for per-instance phases the
// instance (the provider, the server).
type RowKey struct {
	Phase  tracer.PhaseID
	Detail string
	// req and at tell a request's rows apart: its ID, and the row's
	// position among them (requests.go).
	req, at int
}

// KeyOf is the key of phase's row; detail tells the instances of a
// per-instance phase apart (the provider, the server) and is dropped for
// the others.
func KeyOf(phase tracer.PhaseID, detail string) RowKey {
	if info, ok := tracer.Info(phase); !ok || !info.PerInstance {
		detail = ""
	}
	return RowKey{Phase: phase, Detail: detail}
}

// phaseRecord is what the trace has said about one row.
type phaseRecord struct {
	state  State
	since  tracer.Duration
	timed  bool
	detail string // the event's detail, for phases that are not per instance
	note   string
}

// timelineRow is one line of the Phases pane: a group header or a phase.
type timelineRow struct {
	header bool
	group  tracer.Group
	key    RowKey
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

// Pane is the lifecycle timeline: every phase of the boot and the
// shutdown, grouped, with a marker for its state and the time it took.
type Pane struct {
	st *pane.Styles
	tx *pane.Text
	pane.Base
	keys phasesKeys

	plan      []tracer.PlannedPhase
	records   map[RowKey]*phaseRecord
	instances map[tracer.PhaseID][]string // details in the order they were seen
	current   RowKey
	hasCur    bool
	// breakOff holds the phases whose break the user turned off.
	breakOff map[tracer.PhaseID]bool
	// requests are the rows of the requests sent (requests.go).
	requests requestRows

	rows     []timelineRow
	selected int
	offset   int
	// stops is the row of each event applied, by its Seq (SelectStop).
	stops map[int]RowKey

	// The rows of inspection (inspect.go): the stops at the user's
	// breakpoints and the halts, in time order after the phase row before
	// them; the providers' results.
	extras  []*extraRow
	lastKey RowKey
	hasLast bool
	returns map[RowKey]*pane.ProviderResults
	// breakpointSet holds the locations of the breakpoints set now; the
	// model sets it.
	breakpointSet map[string]bool
	// baseline notes, by row, how the rows differ from a baseline, and
	// baselineFooter counts the differences (baseline.go).
	baseline       map[RowKey]pane.BaselineMark
	baselineFooter string
	baselineLegend string
}

// New returns the pane, in the colours of st and the words of tx.
func New(st *pane.Styles, tx *pane.Text) Pane {
	p := Pane{st: st, tx: tx, keys: newPhasesKeys(tx), breakOff: map[tracer.PhaseID]bool{}}
	p.Reset()
	return p
}

// Reset forgets the trace (for a restart) but keeps the breaks.
func (p *Pane) Reset() {
	p.plan = nil
	p.records = map[RowKey]*phaseRecord{}
	p.instances = map[tracer.PhaseID][]string{}
	p.requests = requestRows{}
	p.hasCur = false
	p.extras, p.hasLast = nil, false
	p.returns = map[RowKey]*pane.ProviderResults{}
	p.stops = map[int]RowKey{}
	p.rebuild()
	p.selected = p.firstPhaseRow()
	p.offset = 0
}

// SetSize implements pane.Pane.
func (p *Pane) SetSize(w, h int) {
	p.W, p.H = w, h
	p.scrollToSelected()
}

// SetPlan lays out the timeline from the phases the trace planned.
func (p *Pane) SetPlan(plan []tracer.PlannedPhase) {
	p.plan = plan
	p.rebuild()
}

// Apply records a phase event (stop, pass, step or exit) and selects its row.
func (p *Pane) Apply(ev tracer.Event) {
	ev.Detail, ev.Reason = pane.Sanitize(ev.Detail), pane.Sanitize(ev.Reason)
	var k RowKey
	if ev.Phase == tracer.PhaseBreak {
		k = p.extraKey(ev)
	} else {
		k = KeyOf(ev.Phase, ev.Detail)
		if ev.Request != nil {
			k = p.requests.add(ev)
		}
		if k.Detail != "" && !p.seen(k) {
			p.instances[k.Phase] = append(p.instances[k.Phase], k.Detail)
		}
		p.lastKey, p.hasLast = k, true
	}
	if ev.Seq > 0 {
		p.stops[ev.Seq] = k
	}
	rec := p.records[k]
	if rec == nil {
		rec = &phaseRecord{}
		p.records[k] = rec
	}
	if ev.Kind != tracer.KindStep {
		rec.since, rec.timed = ev.SincePrev, true
	}
	if k.Detail == "" && ev.Phase != tracer.PhaseBreak {
		rec.detail = ev.Detail
	}
	if p.current != k {
		p.doneCurrent()
	}
	switch ev.Kind {
	case tracer.KindStop, tracer.KindStep:
		rec.state = StateCurrent
		p.current, p.hasCur = k, true
	case tracer.KindPass:
		rec.state = StatePassed
		if ev.Skipped {
			rec.state = StateSkipped
			rec.note = ev.Reason
		}
	case tracer.KindExit:
		rec.state = StateDone
		if ev.ExitCode != nil {
			rec.note = pane.Format(p.tx.RowExitCode, *ev.ExitCode)
		}
		p.hasCur = false
	}
	p.rebuild()
	p.SelectKey(k)
}

// Fail marks the phase where the program failed (a KindError event).
func (p *Pane) Fail(ev tracer.Event) {
	if ev.Phase == "" {
		return
	}
	ev.Detail = pane.Sanitize(ev.Detail)
	k := KeyOf(ev.Phase, ev.Detail)
	rec := p.records[k]
	if rec == nil {
		rec = &phaseRecord{}
		p.records[k] = rec
	}
	rec.state = StateFailed
	rec.note = p.tx.RowFailed
	if p.current == k {
		p.hasCur = false
	}
	p.rebuild()
	p.SelectKey(k)
}

// Finish marks the paused phase done once the trace has ended.
func (p *Pane) Finish() {
	if p.hasCur {
		p.doneCurrent()
		p.hasCur = false
		p.rebuild()
	}
}

// doneCurrent marks the paused row done, as the trace has left it.
func (p *Pane) doneCurrent() {
	if !p.hasCur {
		return
	}
	if cur := p.records[p.current]; cur != nil && cur.state == StateCurrent {
		cur.state = StateDone
	}
}

func (p *Pane) seen(k RowKey) bool {
	for _, d := range p.instances[k.Phase] {
		if d == k.Detail {
			return true
		}
	}
	return false
}

// rebuild derives the rows from the catalog, the plan and the events, keeping
// the selection on the same phase.
func (p *Pane) rebuild() {
	var selKey RowKey
	hadSel := p.selected >= 0 && p.selected < len(p.rows) && !p.rows[p.selected].header
	if hadSel {
		selKey = p.rows[p.selected].key
	}

	planned := map[RowKey]tracer.PlannedPhase{}
	plannedDetails := map[tracer.PhaseID][]string{}
	inPlan := map[tracer.PhaseID]bool{}
	for _, pl := range p.plan {
		k := KeyOf(pl.Phase, pl.Detail)
		planned[k] = pl
		inPlan[pl.Phase] = true
		if k.Detail != "" {
			plannedDetails[pl.Phase] = append(plannedDetails[pl.Phase], pl.Detail)
		}
	}
	seen := map[tracer.PhaseID]bool{}
	for k := range p.records {
		seen[k.Phase] = true
	}
	// The timeline shows the phases the plan names, those that happened,
	// and the exit, which every trace ends with. Before the plan is known it
	// shows the Kratos lifecycle: main is a stop only for programs that are
	// not Kratos apps, attach only for programs attached to.
	shown := func(id tracer.PhaseID) bool {
		switch {
		case id == tracer.PhaseExit || seen[id]:
			return true
		case len(p.plan) > 0:
			return inPlan[id]
		}
		// The client side's phases come only in programs that build a
		// client: the plan says whether this one does; attach only in a
		// program attached to.
		return id != phaseMain && id != tracer.PhaseAttach && !tracer.IsClientSide(id)
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
			rows = p.appendExtras(rows, RowKey{}, false)
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
				k := RowKey{Phase: info.ID, Detail: d}
				row := timelineRow{key: k, nested: info.ID == tracer.PhaseWireProvider && d != ""}
				if rec := p.records[k]; rec != nil {
					row.rec = *rec
				} else if pl, ok := planned[k]; ok && pl.Unavailable != "" {
					row.rec = phaseRecord{state: StateUnavailable, note: pl.Unavailable}
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
		p.SelectKey(selKey)
	}
	if p.selected >= len(p.rows) || p.selected < 0 || p.rows[p.selected].header {
		p.selected = p.firstPhaseRow()
	}
}

// instanceDetails lists the rows of a per-instance phase: the instances seen,
// then those planned but not seen yet. Before any is known the phase has one
// row without detail; server.stop expects the servers that were started.
func (p *Pane) instanceDetails(id tracer.PhaseID, planned map[tracer.PhaseID][]string) []string {
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

func (p *Pane) firstPhaseRow() int {
	for i, r := range p.rows {
		if !r.header {
			return i
		}
	}
	return 0
}

// SelectKey selects row k, if the timeline has it.
func (p *Pane) SelectKey(k RowKey) {
	for i, r := range p.rows {
		if !r.header && r.key == k {
			p.selected = i
			p.scrollToSelected()
			return
		}
	}
}

// selectedPhase returns the phase of the selected row.
func (p *Pane) selectedPhase() (tracer.PhaseID, bool) {
	if p.selected < 0 || p.selected >= len(p.rows) || p.rows[p.selected].header {
		return "", false
	}
	if x := p.rows[p.selected].extra; x != nil && x.halt {
		return "", false // a halt is no phase: it has no break
	}
	return p.rows[p.selected].key.Phase, true
}

// move moves the selection by delta phase rows, skipping group headers.
func (p *Pane) move(delta int) {
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

func (p *Pane) home() {
	p.selected = p.firstPhaseRow()
	p.offset = 0
}

func (p *Pane) end() {
	p.selected = len(p.rows) - 1
	p.scrollToSelected()
}

// clickRow selects the row at line y of the pane's content.
func (p *Pane) clickRow(y int) {
	i := p.offset + y
	if i >= 0 && i < len(p.rows) && !p.rows[i].header {
		p.selected = i
	}
}

// Scroll moves the view without moving the selection (mouse wheel).
func (p *Pane) Scroll(delta int) {
	p.offset = pane.Clamp(p.offset+delta, 0, max(0, len(p.rows)-p.H))
}

// scrollToSelected keeps the selection in view with a line of context, and
// its group header when there is room.
func (p *Pane) scrollToSelected() {
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

// Footer implements pane.Pane.
func (p *Pane) Footer() string {
	if p.baselineFooter != "" {
		if s := p.scrollFooter(); s != "" {
			return p.baselineFooter + " · " + s
		}
		return p.baselineFooter
	}
	return p.scrollFooter()
}

func (p *Pane) scrollFooter() string {
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

// View implements pane.Pane.
func (p *Pane) View() []string {
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

func (p *Pane) renderRow(r timelineRow, selected bool) string {
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
	if !r.nested && r.rec.detail != "" && r.key.Detail == "" {
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
	case StatePending, StateSkipped, StateUnavailable:
		labelInk = st.Dim
	case StateCurrent:
		labelInk = st.Current
	case StateFailed:
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
		if r.rec.state == StateCurrent {
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
	MarkDone        = "✓"
	MarkCurrent     = "▶"
	MarkPending     = "·"
	MarkPassed      = "↷"
	MarkSkipped     = "⊘"
	MarkUnavailable = "–"
	MarkFailed      = "✗"
)

func (p *Pane) marker(r timelineRow) (string, pane.Ink) {
	st := p.st
	switch r.rec.state {
	case StateCurrent:
		return MarkCurrent, st.Current
	case StateDone:
		return MarkDone, st.OK
	case StatePassed:
		return MarkPassed, st.Passed
	case StateSkipped:
		return MarkSkipped, st.Dim
	case StateUnavailable:
		return MarkUnavailable, st.Dim
	case StateFailed:
		return MarkFailed, st.ErrBold
	}
	if p.breakOff[r.key.Phase] {
		return MarkPassed, st.Dim
	}
	return MarkPending, st.Dim
}

func (p *Pane) legend() []string {
	tx := p.tx
	items := []string{
		MarkDone + " " + tx.LegendStopped, MarkCurrent + " " + tx.LegendPaused, MarkPassed + " " + tx.LegendNoBreak,
		MarkSkipped + " " + tx.LegendSkipped, MarkPending + " " + tx.LegendPending,
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
func (p *Pane) Move(delta int) pane.Request {
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
func (p *Pane) Click(y int) pane.Request {
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
	// System shows the whole system's timeline instead (panes/system);
	// enabled in a system of several services (SetSystem).
	System key.Binding
}

func newPhasesKeys(tx *pane.Text) phasesKeys {
	return phasesKeys{
		Break:  key.NewBinding(key.WithKeys("b"), key.WithHelp("b", tx.KeyBreak)),
		Jump:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", tx.KeyJump), key.WithDisabled()),
		System: key.NewBinding(key.WithKeys("m"), key.WithHelp("m", tx.KeySystemView), key.WithDisabled()),
	}
}

// SetRewind enables the jump, for a Source that can go back.
func (p *Pane) SetRewind(on bool) { p.keys.Jump.SetEnabled(on) }

// SetSystem enables the key to the system's timeline, in a system of
// several services.
func (p *Pane) SetSystem(on bool) { p.keys.System.SetEnabled(on) }

// Keys implements pane.Pane.
func (p *Pane) Keys() []key.Binding {
	return []key.Binding{p.keys.Break, p.keys.Jump, p.keys.System}
}

// ShortHelp implements pane.Pane.
func (p *Pane) ShortHelp(c pane.Hints) []key.Binding {
	if c.Launching {
		return []key.Binding{p.keys.Break}
	}
	return []key.Binding{p.keys.Break, p.keys.Jump}
}

// HandleKey implements pane.Pane.
func (p *Pane) HandleKey(msg tea.KeyPressMsg) (pane.Request, bool) {
	switch {
	case key.Matches(msg, p.keys.Break):
		return p.BreakRequest(), true
	case key.Matches(msg, p.keys.System):
		return pane.ToggleSystem{}, true
	case key.Matches(msg, p.keys.Jump):
		if phase, ok := p.selectedPhase(); ok {
			return pane.Jump{Phase: phase}, true
		}
		return nil, true
	}
	return nil, false
}

// BreakRequest is what b asks for on the selected row: to clear or set
// again the user's breakpoint of its stop, or to turn its phase's break off
// or on; nil on a row without a break (a header, a halt).
func (p *Pane) BreakRequest() pane.Request {
	if loc, ok := p.selectedBreak(); ok {
		return pane.BreakpointToggle{Loc: loc}
	}
	if phase, ok := p.selectedPhase(); ok {
		return pane.BreakToggle{Phase: phase}
	}
	return nil
}

// SelectStop selects the row of the event numbered seq (its Seq), and
// reports whether the timeline has it.
func (p *Pane) SelectStop(seq int) bool {
	k, ok := p.stops[seq]
	if !ok {
		return false
	}
	p.SelectKey(k)
	return p.SelectedKey() == k
}

// SetBaseline marks the rows that differ from a baseline, with footer (how
// many differences) and legend (what the mark means); nil forgets them.
func (p *Pane) SetBaseline(marks map[RowKey]pane.BaselineMark, footer, legend string) {
	p.baseline, p.baselineFooter, p.baselineLegend = marks, footer, legend
}

// SelectedBaseline is the selected row's difference from the baseline.
func (p *Pane) SelectedBaseline() pane.BaselineMark {
	if i := p.selected; i >= 0 && i < len(p.rows) {
		return p.baseline[p.rows[i].key]
	}
	return pane.BaselineMark{}
}

// BreakOff reports whether the user turned phase's break off.
func (p *Pane) BreakOff(phase tracer.PhaseID) bool { return p.breakOff[phase] }

// ToggleBreak turns phase's break off, or on again, and reports whether it
// is off now. The choice outlives a restart (Reset keeps it).
func (p *Pane) ToggleBreak(phase tracer.PhaseID) (off bool) {
	off = !p.breakOff[phase]
	p.breakOff[phase] = off
	return off
}

// SetBreakpoints marks the rows of the user's breakpoints set now, by
// location.
func (p *Pane) SetBreakpoints(locs map[string]bool) {
	p.breakpointSet = locs
	p.rebuild()
}

// SelectedKey is the key of the selected row.
func (p *Pane) SelectedKey() RowKey {
	if i := p.selected; i >= 0 && i < len(p.rows) {
		return p.rows[i].key
	}
	return RowKey{}
}

// Row is what the timeline shows of a phase's row: its key, its state and
// its label.
type Row struct {
	Key   RowKey
	State State
	Label string
}

// Rows returns the rows of the timeline, the group headers left out.
func (p *Pane) Rows() []Row {
	out := make([]Row, 0, len(p.rows))
	for _, r := range p.rows {
		if !r.header {
			out = append(out, Row{Key: r.key, State: r.rec.state, Label: r.label})
		}
	}
	return out
}

// Returned returns what the provider of row k returned, if it did.
func (p *Pane) Returned(k RowKey) (*pane.ProviderResults, bool) {
	r, ok := p.returns[k]
	return r, ok
}

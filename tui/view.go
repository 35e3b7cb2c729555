package tui

import (
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tui/internal/pane"
)

// View draws the screen: the panes in their boxes and the status bar. The
// program runs in the alternate screen with mouse clicks and wheel on.
func (m Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "kratos-trace " + m.target()
	return v
}

// render returns the screen as text with escape sequences.
func (m Model) render() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	if m.lay.tooSmall {
		return m.renderTooSmall()
	}
	blocks := make([]block, 0, len(m.lay.boxes)+2)
	short := m.pathNamer().short
	for _, b := range m.lay.boxes {
		p := b.shown(m.front)
		name, lines, covered := m.cover(p)
		if !covered {
			lines = m.pane(p).View()
		}
		blocks = append(blocks, block{r: b.r, lines: drawBox(m.st, b.r, m.boxSpec(p, name, short), lines)})
	}
	if !m.lay.prompt.empty() {
		blocks = append(blocks, block{r: m.lay.prompt, lines: m.promptBox()})
	}
	blocks = append(blocks, block{r: m.lay.status, lines: m.statusLines()})
	return compose(m.width, m.height, blocks)
}

func (m Model) renderTooSmall() string {
	msg := []string{
		m.tx.TooSmall,
		pane.Format(m.tx.TooSmallSize, m.width, m.height, minWidth, minHeight),
		m.tx.TooSmallQuit,
	}
	lines := make([]string, m.height)
	top := max(0, (m.height-len(msg))/2)
	for i := range lines {
		text := ""
		if j := i - top; j >= 0 && j < len(msg) {
			text = pane.Truncate(msg[j], m.width)
			text = pane.Spaces((m.width-pane.TextWidth(text))/2) + text
		}
		lines[i] = pane.Fit(text, m.width)
	}
	return strings.Join(lines, "\n")
}

// cover returns what the root model draws in place of pane p, and the name
// the box then bears ("" for the pane's own): the request picker, a
// request's reply, the launch's steps, or the code under a fatal error —
// all in the Source pane's box.
func (m Model) cover(p paneID) (string, []string, bool) {
	if p != paneSource {
		return "", nil, false
	}
	w, h := m.source.W, m.source.H
	if m.picker.open {
		return m.tx.PickerTitle, m.pickerLines(w, h), true
	}
	if lines := m.replyView(w, h); lines != nil {
		return "", lines, true
	}
	switch {
	case !m.source.HasContent():
		lines := m.launchLines()
		if len(lines) > h && h > 0 && m.trace.fatal == "" {
			// The last steps are the ones under way: keep them in sight.
			lines = lines[len(lines)-h:]
		}
		return "", lines, true
	case m.trace.fatal != "":
		return "", append(m.errorBanner(), m.source.View()...), true
	}
	return "", nil, false
}

// boxSpec returns the title and footer of pane p's box; name, when not
// "", replaces the pane's (cover: the picker, whose footer replaces the
// pane's too); short names a file in the title.
func (m Model) boxSpec(p paneID, name string, short func(string) string) boxSpec {
	st := m.st
	focused := m.focus == p
	r := m.lay.panes[p]
	room := r.w - 6
	titleInk := st.Title
	if focused {
		titleInk = st.TitleFocused
	}
	covered := name != ""
	if !covered {
		name = m.tx.PaneNames[p]
	}
	title, tw := titleInk.Paint(name), pane.TextWidth(name)
	pn := m.pane(p)
	extra := pn.TitleExtra(room-tw-2, short)
	spec := boxSpec{focused: focused, footer: pn.Footer()}
	if covered {
		// The pane's file and lines are not what the box shows.
		extra, spec.footer = "", m.pickerFooter()
	}
	if b, ok := m.lay.boxOf(p); ok && b.tabbed() {
		title, tw = m.tabTitle(b, focused)
		if m.lay.mode == modeCompact {
			extra = "" // the tabs of the compact layout take the title
		}
	}
	if extra != "" && tw+2+pane.TextWidth(extra) <= room {
		title += "  " + st.Dim.Paint(extra)
		tw += 2 + pane.TextWidth(extra)
	}
	spec.title, spec.titleWidth = title, tw
	return spec
}

// tabLabels returns the names of box b's tabs as drawn, the one in front
// in brackets (for terminals without color), and the separator between
// them: full names with " │ " when they fit, else with a space, else the
// short names of the tabs not in front.
func (m Model) tabLabels(b box) ([]string, string) {
	front := b.shown(m.front)
	labels := make([]string, len(b.panes))
	width := func(sep string) int {
		w := pane.TextWidth(sep) * (len(labels) - 1)
		for _, l := range labels {
			w += pane.TextWidth(l)
		}
		return w
	}
	for i, p := range b.panes {
		labels[i] = m.tx.PaneNames[p]
		if p == front {
			labels[i] = "[" + labels[i] + "]"
		}
	}
	room := b.r.w - 6
	if width(" │ ") <= room {
		return labels, " │ "
	}
	if width(" ") <= room {
		return labels, " "
	}
	for i, p := range b.panes {
		if p != front {
			labels[i] = m.tx.PaneShort[p]
		}
	}
	return labels, " "
}

// tabTitle draws the title of a box with tabs.
func (m Model) tabTitle(b box, focused bool) (string, int) {
	labels, sep := m.tabLabels(b)
	front := b.shown(m.front)
	var s strings.Builder
	w := 0
	for i, p := range b.panes {
		if i > 0 {
			s.WriteString(m.st.Border.Paint(sep))
			w += pane.TextWidth(sep)
		}
		switch {
		case p == front && focused:
			s.WriteString(m.st.TabActive.Paint(labels[i]))
		case p == front:
			s.WriteString(m.st.TitleFocused.Paint(labels[i]))
		default:
			s.WriteString(m.st.Tab.Paint(labels[i]))
		}
		w += pane.TextWidth(labels[i])
	}
	return s.String(), w
}

// tabAt returns the tab of box b whose name is drawn at column x of the box.
func (m Model) tabAt(b box, x int) (paneID, bool) {
	labels, sep := m.tabLabels(b)
	pos := 3 // "╭─ "
	for i, p := range b.panes {
		n := pane.TextWidth(labels[i])
		if x >= pos && x < pos+n {
			return p, true
		}
		pos += n + pane.TextWidth(sep)
	}
	return 0, false
}

// launchLines fill the Source pane before the first stop: the steps of the
// build and launch with a spinner, or the error that ended them.
func (m Model) launchLines() []string {
	st := m.st
	t := m.trace
	tx := m.tx
	w := m.source.W
	var out []string
	if t.fatal != "" {
		lines := pane.WrapText(t.fatal, w-4)
		out = append(out, "", " "+st.ErrBold.Paint("✗ "+firstOr(lines, tx.Failed)))
		for _, l := range lines[min(1, len(lines)):] {
			out = append(out, "   "+l)
		}
		out = append(out, "", " "+st.Dim.Paint(tx.RetryHint))
		return out
	}
	out = append(out, "")
	steps := t.statuses
	if t.session != nil {
		steps = append(steps[:len(steps):len(steps)], tx.RunningToFirst)
	} else if w := m.waitingStep(); w != "" {
		steps = append(steps[:len(steps):len(steps)], w)
	}
	if len(steps) == 0 {
		steps = []string{pane.Format(tx.StartingTarget, m.target())}
	}
	for i, s := range steps {
		if i < len(steps)-1 {
			out = append(out, " "+st.OK.Paint("✓")+" "+st.Dim.Paint(pane.Truncate(s, w-4)))
			continue
		}
		if t.ended {
			out = append(out, " "+st.Dim.Paint(tx.EndedBeforeFirst))
			break
		}
		elapsed := formatElapsed(m.now().Sub(t.startedAt))
		text := pane.Truncate(s, w-6-len(elapsed))
		out = append(out, " "+m.spinner.View()+" "+st.Text.Paint(text)+"  "+st.Dim.Paint(elapsed))
		if t.progress != nil && t.progress.Total > 0 && t.session == nil {
			out = append(out, "   "+progressBar(st, t.progress.Fraction(), min(40, w-12)))
		}
	}
	return out
}

// progressBar draws a bar width cells wide filled to fraction, and the
// percentage.
func progressBar(st *pane.Styles, fraction float64, width int) string {
	if width < 4 {
		return ""
	}
	filled := int(fraction*float64(width) + 0.5)
	return st.OK.Paint(strings.Repeat("█", filled)) + st.Dim.Paint(strings.Repeat("░", width-filled)) +
		st.Dim.Paint(fmt.Sprintf(" %3.0f%%", fraction*100))
}

// errorBanner puts a fatal error above the code of the Source pane, where
// the program failed: at most three lines of it, the rest is in Output.
func (m Model) errorBanner() []string {
	w := m.source.W
	lines := pane.WrapText(m.trace.fatal, w-4)
	if len(lines) > 3 {
		lines = append(lines[:2], lines[2]+" …")
	}
	out := make([]string, 0, len(lines)+1)
	for i, l := range lines {
		prefix := "   "
		if i == 0 {
			prefix = " ✗ "
		}
		out = append(out, m.st.ErrBold.Paint(prefix+l))
	}
	return append(out, m.st.Border.Paint(" "+strings.Repeat(pane.BorderH, max(0, w-2))))
}

func firstOr(lines []string, def string) string {
	if len(lines) == 0 {
		return def
	}
	return lines[0]
}

func formatElapsed(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	if d < time.Minute {
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
	return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
}

func (m Model) target() string {
	if s := m.trace.session; s != nil && s.Target != "" {
		return s.Target
	}
	if m.opts.Target != "" {
		return m.opts.Target
	}
	return "kratos-trace"
}

// wideStatus reports whether the summary shares the state line.
func (m Model) wideStatus() bool { return m.width >= 150 }

func (m Model) statusHeight() int {
	h := 2 + m.stripHeight() // state and help, under the services strip
	if !m.wideStatus() {
		h++ // the summary gets a line of its own
	}
	if m.help.ShowAll && !m.prompt.open {
		rows := 0
		for _, col := range m.fullHelp() {
			n := 0
			for _, b := range col {
				if b.Enabled() {
					n++ // the help leaves disabled keys out
				}
			}
			rows = max(rows, n)
		}
		h += rows - 1
	}
	return h
}

// statusLines draws the status bar: the target, the Kratos version and the
// trace's state; the current phase's summary from the catalog; the keys.
func (m Model) statusLines() []string {
	st := m.st
	w := m.width
	r := m.lay.status
	lines := make([]string, 0, r.h)
	if m.sys.multi() {
		lines = append(lines, m.stripLine())
	}

	state, stateW := m.stateText()
	head := " " + st.Accent.Paint(m.target())
	headW := 1 + pane.TextWidth(m.target())
	if s := m.trace.session; s != nil && s.KratosVersion != "" {
		v := pane.Format(m.tx.KratosVersion, s.KratosVersion)
		head += st.Dim.Paint(v)
		headW += pane.TextWidth(v)
	}
	line := head + st.Border.Paint(" │ ") + state
	lineW := headW + 3 + stateW
	if t := m.trace; t.phase != "" && t.elapsed > 0 && t.fatal == "" {
		at := pane.Format(m.tx.AfterLaunch, pane.FormatDuration(time.Duration(t.elapsed)))
		line += st.Dim.Paint(at)
		lineW += pane.TextWidth(at)
	}
	if f := m.trace.flash; f != "" && lineW+3 < w {
		line += st.Border.Paint(" │ ") + st.Err.Paint(pane.Truncate(f, w-lineW-4))
		lineW += 3 + min(pane.TextWidth(f), w-lineW-4)
	}
	if n := m.trace.notice; n != "" && lineW+3 < w {
		line += st.Border.Paint(" │ ") + st.Accent.Paint(pane.Truncate(n, w-lineW-4))
		lineW += 3 + min(pane.TextWidth(n), w-lineW-4)
	}
	summary := m.summary()
	if m.wideStatus() {
		if summary != "" && lineW+6 < w {
			line += st.Border.Paint(" │ ") + st.Dim.Paint(pane.Truncate(summary, w-lineW-4))
		}
		lines = append(lines, pane.Fit(line, w))
	} else {
		lines = append(lines, pane.Fit(line, w))
		lines = append(lines, pane.Fit(" "+st.Dim.Paint(pane.Truncate(summary, w-2)), w))
	}

	var helpText string
	if m.prompt.open {
		helpText = m.help.ShortHelpView(m.prompt.ShortHelp())
	} else if m.help.ShowAll {
		helpText = m.help.FullHelpView(m.fullHelp())
	} else {
		helpText = m.help.ShortHelpView(m.shortHelp())
	}
	for _, l := range strings.Split(helpText, "\n") {
		if len(lines) >= r.h {
			break
		}
		lines = append(lines, pane.Fit(" "+l, w))
	}
	for len(lines) < r.h {
		lines = append(lines, pane.Spaces(w))
	}
	return lines[:r.h]
}

func (m Model) hints() pane.Hints {
	t := m.trace
	return pane.Hints{
		Running:   t.canRequest(),
		Ended:     t.ended || t.fatal != "",
		Launching: t.launching,
		Rewind:    t.rewind,
		Inspect:   m.inspector() != nil,
		Paused:    t.paused,
	}
}

// stateText says what the trace is doing, with its width.
func (m Model) stateText() (string, int) {
	st := m.st
	tx := m.tx
	t := m.trace
	var text string
	var k pane.Ink
	switch {
	case t.fatal != "":
		text, k = "✗ "+firstOr(strings.Split(t.fatal, "\n"), ""), st.ErrBold
	case t.launching:
		status := tx.Starting
		if n := len(t.statuses); n > 0 {
			status = t.statuses[n-1]
		}
		el := formatElapsed(m.now().Sub(t.startedAt))
		sp := m.spinner.View()
		s := sp + " " + st.Text.Paint(status) + " " + st.Dim.Paint(el)
		return s, pane.TextWidth(sp) + 2 + pane.TextWidth(status) + len(el)
	case t.ended:
		switch {
		case t.exitSignal != "":
			text, k = pane.Format(tx.KilledBy, t.exitSignal), st.Err
		case t.exitCode != nil && *t.exitCode == 0:
			text, k = pane.Format(tx.ExitedCode, 0), st.OK
		case t.exitCode != nil:
			text, k = pane.Format(tx.ExitedCode, *t.exitCode), st.Err
		default:
			text, k = tx.TraceEnded, st.Dim
		}
	case m.insp.halt != nil && m.insp.halt.Kind == tracer.KindStall:
		text, k = pane.Format(tx.StalledAt, len(m.insp.halt.Goroutines)), st.ErrBold
	case t.paused && m.insp.halt != nil:
		text, k = pane.Format(tx.HaltedAt, len(m.insp.halt.Goroutines)), st.Current
	case t.paused && t.last != nil && t.last.Kind == tracer.KindStep:
		text, k = pane.Format(tx.SteppedIn, t.phaseLabel), st.Current
	case t.paused:
		text, k = pane.Format(tx.PausedAt, t.phaseLabel), st.Current
	case tracer.IsServing(t.phase) && !t.signalled:
		text, k = tx.RunningWaiting, st.OK
	case t.phase != "":
		text, k = pane.Format(tx.RunningAfter, t.phaseLabel), st.OK
	default:
		text, k = tx.Running, st.OK
	}
	text = m.pausedService() + text
	return k.Paint(text), pane.TextWidth(text)
}

// summary is the current phase's title and one-line summary from the
// catalog, in the TUI's language.
func (m Model) summary() string {
	if s := m.baselineSummary(); s != "" {
		return s
	}
	t := m.trace
	switch {
	case t.fatal != "" || t.launching:
		return ""
	case t.ended && t.exitCode == nil:
		return ""
	}
	if _, ok := tracer.Info(t.phase); !ok {
		return ""
	}
	sep := ": "
	if m.opts.Lang == tracer.Chinese {
		sep = "："
	}
	detail := strings.TrimSpace(strings.TrimPrefix(t.phaseLabel, string(t.phase)))
	return tracer.TitleOf(t.phase, detail, m.opts.Lang) + sep + tracer.SummaryFor(t.phase, m.opts.Lang)
}

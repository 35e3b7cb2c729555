package tui

import (
	"fmt"
	"slices"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/diff"
	"github.com/kratos-trace/kratos-trace/tui/internal/pane"
	"github.com/kratos-trace/kratos-trace/tui/internal/panes/phases"
)

// baselineState compares the trace with a baseline as it goes: the events
// so far are handed to Options.Baseline off the UI goroutine, and the
// result marks the Phases and Bootstrap panes. The TUI only renders the
// result; the comparison is tracer/diff's.
type baselineState struct {
	compare func([]tracer.Event) *diff.Result
	// events are the current trace's events the comparison needs, as
	// applied (a move back rebuilds them with the screen).
	events []tracer.Event
	result *diff.Result
}

// baselineMsg carries the comparison of the first n events of trace gen.
type baselineMsg struct {
	gen, n int
	result *diff.Result
}

// keeps reports whether ev is part of the comparison; the program's
// output and the progress of the build are not.
func (b *baselineState) keeps(ev tracer.Event) bool {
	return b.compare != nil && ev.Kind != tracer.KindOutput && ev.Kind != tracer.KindStatus
}

// add keeps an event for the comparison.
func (b *baselineState) add(ev tracer.Event) {
	if b.keeps(ev) {
		b.events = append(b.events, ev)
	}
}

func (b *baselineState) reset() {
	b.events, b.result = nil, nil
}

// compareCmd compares the events so far with the baseline; nil when there
// is no baseline or no phase yet.
func (b *baselineState) compareCmd(gen int) tea.Cmd {
	if b.compare == nil || !slices.ContainsFunc(b.events, tracer.Event.IsPhase) {
		return nil
	}
	events, compare := slices.Clone(b.events), b.compare
	return func() tea.Msg {
		return baselineMsg{gen: gen, n: len(events), result: compare(events)}
	}
}

// applyBaseline hands the panes the marks of a comparison.
func (m *Model) applyBaseline(msg baselineMsg) {
	if msg.gen != m.trace.gen || msg.n != len(m.base.events) || msg.result == nil {
		return // a newer comparison is on its way
	}
	m.base.result = msg.result
	if !m.sys.multi() || !isSystemDiff(msg.result) {
		m.markBaseline(msg.result, "")
		return
	}
	// Two systems compared: each service's panes get its own sections.
	shown := m.service
	for i, v := range m.sys.svcs {
		if i < len(m.services) {
			m.paneSet = m.services[i]
			m.markBaseline(msg.result, v.name)
		}
	}
	m.paneSet = m.services[shown]
}

// isSystemDiff reports whether r compares two systems service by service.
func isSystemDiff(r *diff.Result) bool {
	for _, s := range r.Sections {
		if s.Service != "" || s.ID == diff.SectionServices {
			return true
		}
	}
	return false
}

// markBaseline hands the panes shown the marks of result's sections of
// service svc ("" for a single service's diff).
func (m *Model) markBaseline(result *diff.Result, svc string) {
	section := func(id diff.SectionID) *diff.Section {
		if svc == "" {
			return result.Section(id)
		}
		return result.ServiceSection(svc, id)
	}
	tx := m.tx
	rows := map[phases.RowKey]pane.BaselineMark{}
	add := func(k phases.RowKey, short, full string) {
		if old, ok := rows[k]; ok {
			short, full = old.Short+"; "+short, old.Full+"; "+full
		}
		rows[k] = pane.BaselineMark{Short: short, Full: full}
	}
	for _, id := range []diff.SectionID{diff.SectionPhases, diff.SectionTimes} {
		s := section(id)
		if s == nil {
			continue
		}
		for _, c := range s.Changes {
			k := phases.KeyOf(c.Phase, pane.Sanitize(c.Detail))
			full := pane.Sanitize(c.Path) + " " + changeText(c)
			switch {
			case c.Op == diff.Added:
				add(k, tx.BaselineNew, full)
			case c.Op == diff.Removed:
				add(k, tx.BaselineOnly, full)
			case c.Op == diff.Moved:
				add(k, tx.BaselineMoved, full)
			case id == diff.SectionTimes:
				d, err := time.ParseDuration(c.Before)
				before := c.Before
				if err == nil {
					before = pane.FormatDuration(d)
				}
				add(k, fmt.Sprintf(tx.BaselineWas, before), full)
			default:
				add(k, fmt.Sprintf(tx.BaselineWas, pane.Sanitize(c.Before)), full)
			}
		}
	}
	leaves := map[string]pane.BaselineMark{}
	if s := section(diff.SectionBootstrap); s != nil {
		for _, c := range s.Changes {
			full := pane.Sanitize(c.Path) + " " + changeText(c)
			switch {
			case c.Op == diff.Added:
				leaves[c.Path] = pane.BaselineMark{Short: tx.BaselineNew, Full: full}
			case c.Op == diff.Removed:
				// No row shows it: the diff printed at the end does.
			case c.Op == diff.Moved:
				// The same value (the same hash, for a secret), from
				// another place.
				leaves[c.Path] = pane.BaselineMark{Short: fmt.Sprintf(tx.BaselineWas, diff.FormatOrigin(c.BeforeOrigin)), Full: full}
			case c.Masked && c.Before == c.After:
				leaves[c.Path] = pane.BaselineMark{Short: tx.BaselineSecret, Full: full}
			default:
				leaves[c.Path] = pane.BaselineMark{Short: fmt.Sprintf(tx.BaselineWas, pane.Sanitize(c.Before)), Full: full}
			}
		}
	}
	footer := ""
	if n := result.Shown(); n > 0 {
		footer = pane.MarkBaseline + " " + fmt.Sprintf(tx.BaselineCount, n)
	}
	// The legend explains a mark on screen: none before the first
	// difference (at flag.parse, the trace is as in the baseline).
	legend := ""
	if len(rows) > 0 || len(leaves) > 0 || footer != "" {
		legend = tx.BaselineLegend
	}
	m.phases.SetBaseline(rows, footer, legend)
	m.bootstrap.SetBaseline(leaves)
}

// changeText writes a change as "before → after", each with its origin
// when it has one.
func changeText(c diff.Change) string {
	side := func(v string, o *tracer.Origin) string {
		if v == "" {
			v = "–"
		}
		if s := diff.FormatOrigin(o); s != "" {
			v += " (" + s + ")"
		}
		return pane.Sanitize(v)
	}
	return side(c.Before, c.BeforeOrigin) + " → " + side(c.After, c.AfterOrigin)
}

// baselineSummary is the whole of the selected row's difference from the
// baseline, for the status line, when the focused pane's selected row has
// one.
func (m Model) baselineSummary() string {
	var mark pane.BaselineMark
	if p, ok := m.pane(m.focus).(baselineMarked); ok {
		mark = p.SelectedBaseline()
	}
	if mark.Full == "" {
		return ""
	}
	return pane.MarkBaseline + " " + fmt.Sprintf(m.tx.BaselineFull, mark.Full)
}

// resetBaseline forgets the comparison, for a new trace or a move back.
func (m *Model) resetBaseline() {
	m.base.reset()
	m.phases.SetBaseline(nil, "", "")
	m.bootstrap.SetBaseline(nil)
}

// baselineMarked is a pane whose rows a comparison with a baseline marks.
type baselineMarked interface {
	// SelectedBaseline is the mark of the selected row, if it has one.
	SelectedBaseline() pane.BaselineMark
}

package tui

import (
	"fmt"
	"slices"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/diff"
	"github.com/kratos-trace/kratos-trace/tui/internal/pane"
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
	tx := m.tx
	phases := map[rowKey]pane.BaselineMark{}
	add := func(k rowKey, short, full string) {
		if old, ok := phases[k]; ok {
			short, full = old.Short+"; "+short, old.Full+"; "+full
		}
		phases[k] = pane.BaselineMark{Short: short, Full: full}
	}
	for _, id := range []diff.SectionID{diff.SectionPhases, diff.SectionTimes} {
		s := msg.result.Section(id)
		if s == nil {
			continue
		}
		for _, c := range s.Changes {
			k := keyOf(c.Phase, pane.Sanitize(c.Detail))
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
	if s := msg.result.Section(diff.SectionBootstrap); s != nil {
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
	m.phases.baseline, m.bootstrap.baseline = phases, leaves
	m.phases.baselineLegend = tx.BaselineLegend
	m.phases.baselineFooter = ""
	if n := msg.result.Shown(); n > 0 {
		m.phases.baselineFooter = pane.MarkBaseline + " " + fmt.Sprintf(tx.BaselineCount, n)
	}
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
	switch m.focus {
	case panePhases:
		if i := m.phases.selected; i >= 0 && i < len(m.phases.rows) {
			mark = m.phases.baseline[m.phases.rows[i].key]
		}
	case paneBootstrap:
		if i := m.bootstrap.selected; i < len(m.bootstrap.rows) {
			mark = m.bootstrap.baseline[m.bootstrap.rows[i].path]
		}
	}
	if mark.Full == "" {
		return ""
	}
	return pane.MarkBaseline + " " + fmt.Sprintf(m.tx.BaselineFull, mark.Full)
}

// resetBaseline forgets the comparison, for a new trace or a move back.
func (m *Model) resetBaseline() {
	m.base.reset()
	m.phases.baseline, m.phases.baselineFooter, m.phases.baselineLegend, m.bootstrap.baseline = nil, "", "", nil
}

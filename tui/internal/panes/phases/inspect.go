package phases

import (
	"path/filepath"
	"strconv"
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tui/internal/pane"
)

// phaseHaltRow keys the timeline rows of halts, which are no phase.
const phaseHaltRow tracer.PhaseID = "halt"

// extraRow is a row of the timeline that is no phase of the catalog: a
// stop at a breakpoint of the user's own, or a halt. It sits after the
// row of the phase event that came before it, so the timeline stays in
// time order; hits of the same breakpoint in a row share one row.
type extraRow struct {
	key      RowKey
	after    RowKey
	hasAfter bool
	halt     bool
	detail   string // the breakpoint's location as given
	hits     int
}

// extraKey returns the row of a breakpoint's stop, a new one unless the
// same breakpoint was the last row added after the same phase.
func (p *Pane) extraKey(ev tracer.Event) RowKey {
	if n := len(p.extras); n > 0 {
		last := p.extras[n-1]
		if !last.halt && last.detail == ev.Detail && last.after == p.lastKey && last.hasAfter == p.hasLast {
			if ev.Kind != tracer.KindStep {
				last.hits++
			}
			return last.key
		}
	}
	return p.addExtra(tracer.PhaseBreak, ev.Detail, false)
}

func (p *Pane) addExtra(phase tracer.PhaseID, detail string, halt bool) RowKey {
	x := &extraRow{
		key:   RowKey{Phase: phase, Detail: "#" + strconv.Itoa(len(p.extras)+1)},
		after: p.lastKey, hasAfter: p.hasLast,
		halt: halt, detail: detail, hits: 1,
	}
	p.extras = append(p.extras, x)
	return x.key
}

// appendExtras adds after rows the extra rows that follow the phase row k
// (with anchored false: those before any phase).
func (p *Pane) appendExtras(rows []timelineRow, k RowKey, anchored bool) []timelineRow {
	for _, x := range p.extras {
		if x.hasAfter != anchored || anchored && x.after != k {
			continue
		}
		row := timelineRow{key: x.key, extra: x, label: p.extraLabel(x)}
		if rec := p.records[x.key]; rec != nil {
			row.rec = *rec
		}
		if !x.halt && p.breakpointSet != nil && !p.breakpointSet[x.detail] {
			row.rec.note = p.tx.RowCleared // b on the row sets it again
		}
		rows = append(rows, row)
	}
	return rows
}

// extraLabel is "break main.newApp ×3", or the halt's word.
func (p *Pane) extraLabel(x *extraRow) string {
	if x.halt {
		return p.tx.RowHalt
	}
	label := string(tracer.PhaseBreak) + " " + baseLoc(x.detail)
	if x.hits > 1 {
		label += " " + pane.Format(p.tx.RowHits, x.hits)
	}
	return label
}

// baseLoc shortens a FILE:LINE location to the file's name and the line,
// for the narrow timeline; a function stays as it is.
func baseLoc(loc string) string {
	if file, line, ok := pane.SplitFileLoc(loc); ok {
		return filepath.Base(file) + line
	}
	return loc
}

// ApplyHalt adds the row of a halt (or a stall) and makes it current.
func (p *Pane) ApplyHalt(ev tracer.Event) {
	k := p.addExtra(phaseHaltRow, "", true)
	p.doneCurrent() // k is a new row: it cannot be the current one
	rec := &phaseRecord{state: StateCurrent}
	if ev.Kind == tracer.KindStall {
		rec.state = StateFailed
		rec.note = p.tx.RowStalled
	} else {
		p.current, p.hasCur = k, true
	}
	p.records[k] = rec
	p.rebuild()
	p.SelectKey(k)
}

// ApplyProviderReturn records what a provider returned on its row.
func (p *Pane) ApplyProviderReturn(ev tracer.Event) {
	ev.Detail = pane.Sanitize(ev.Detail)
	k := KeyOf(ev.Phase, ev.Detail)
	label := ev.Detail // sanitized above
	if label == "" {
		label = pane.Sanitize(ev.Label())
	}
	p.returns[k] = &pane.ProviderResults{Label: label, Took: ev.Took, Results: ev.Results}
	rec := p.records[k]
	if rec == nil {
		rec = &phaseRecord{}
		p.records[k] = rec
	}
	rec.note = resultSummary(ev.Results)
	p.rebuild()
}

// resultSummary shows what a provider returned in a few words: the types
// of its results, or the error it returned.
func resultSummary(results []*tracer.Node) string {
	var types []string
	for _, r := range results {
		if isErrorValue(r) {
			return "→ " + pane.Sanitize(r.Value)
		}
		t := r.Type
		if t == "" {
			t = r.Value
		}
		types = append(types, pane.Sanitize(t))
	}
	if len(types) == 0 {
		return ""
	}
	return "→ " + strings.Join(types, ", ")
}

// isErrorValue reports whether n is an error that is not nil.
func isErrorValue(n *tracer.Node) bool {
	return n != nil && n.Type == "error" && n.Value != "" && n.Value != "nil" && n.Value != "<nil>"
}

// selectedBreak returns the location of the breakpoint whose stop is the
// selected row.
func (p *Pane) selectedBreak() (string, bool) {
	if p.selected < 0 || p.selected >= len(p.rows) {
		return "", false
	}
	x := p.rows[p.selected].extra
	if x == nil || x.halt {
		return "", false
	}
	return x.detail, true
}

// SelectedReturn returns the results of the provider selected.
func (p *Pane) SelectedReturn() (*pane.ProviderResults, bool) {
	if p.selected < 0 || p.selected >= len(p.rows) || p.rows[p.selected].header {
		return nil, false
	}
	r, ok := p.returns[p.rows[p.selected].key]
	return r, ok
}

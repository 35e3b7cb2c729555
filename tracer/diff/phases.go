package diff

import (
	"slices"
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// phaseEntry is one phase event of a boot.
type phaseEntry struct {
	// key is what the alignment compares (phaseKey).
	key string
	ev  *tracer.Event
	// prevKey and prevLabel are those of the phase event before it in the
	// trace, "" for the first.
	prevKey, prevLabel string
	// pos is its place in its boot's sequence as aligned (canonical).
	pos int
}

// phaseKey identifies a phase event across two boots: its phase and
// detail. A server's phases carry the server's address in their detail,
// which the servers section compares; here only its kind counts, so that a
// server on another port is the same server.start.
func phaseKey(phase tracer.PhaseID, detail string) string {
	if concurrent(phase) {
		detail, _, _ = strings.Cut(detail, " ")
	}
	if detail == "" {
		return string(phase)
	}
	return string(phase) + " " + detail
}

// concurrent reports whether the instances of phase run side by side, so
// that their order differs from one boot to the next by chance: each
// server's Start and Stop runs in a goroutine of its own.
func concurrent(phase tracer.PhaseID) bool {
	return phase == tracer.PhaseServerStart || phase == tracer.PhaseServerStop
}

// asynchronous reports whether phase comes whenever another goroutine
// gets to it rather than at a point of the boot: a resolver's
// discovery.update lands between whichever phases the boot is at.
func asynchronous(phase tracer.PhaseID) bool {
	return phase == tracer.PhaseDiscoveryUpdate
}

// canonical returns the entries with every run of a concurrent phase sorted
// by key, so that the order the goroutines happened to run in is not a
// difference.
func canonical(entries []phaseEntry) []phaseEntry {
	out := slices.Clone(entries)
	defer func() {
		for i := range out {
			out[i].pos = i
		}
	}()
	for i := 0; i < len(out); {
		j := i + 1
		for j < len(out) && out[j].ev.Phase == out[i].ev.Phase {
			j++
		}
		if concurrent(out[i].ev.Phase) && j-i > 1 {
			slices.SortStableFunc(out[i:j], func(x, y phaseEntry) int { return strings.Compare(x.key, y.key) })
		}
		i = j
	}
	return out
}

// pair is one row of the alignment: a phase of A, of B, or of both.
type pair struct {
	a, b *phaseEntry
	// moved is set on a phase both boots have in another place.
	moved bool
}

// maxCells bounds the table of the alignment (the part left once the
// common beginning and end are set aside): past it, the middle parts are
// reported as removed and added rather than aligned, to keep a diff of
// two very different long traces quick.
const maxCells = 16 << 20

// alignPhases aligns the phases of two boots by key, as a longest common
// subsequence: the rows keep both orders, and a phase found in both boots
// outside the common subsequence is one moved row rather than a removed
// and an added one. With partial, the phases of A after the furthest one B
// has too are left out: B has not got there yet.
func alignPhases(a, b []phaseEntry, partial bool) []pair {
	a, b = canonical(a), canonical(b)
	var rows []pair
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre].key == b[pre].key {
		rows = append(rows, pair{a: &a[pre], b: &b[pre]})
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf].key == b[len(b)-1-suf].key {
		suf++
	}
	rows = append(rows, alignMiddle(a[pre:len(a)-suf], b[pre:len(b)-suf])...)
	for i := suf; i > 0; i-- {
		rows = append(rows, pair{a: &a[len(a)-i], b: &b[len(b)-i]})
	}
	rows = pairMoves(rows)
	if partial {
		// B has got as far as the furthest phase of A it has too; A's
		// phases beyond it are still to come.
		reached := -1
		for _, r := range rows {
			if r.a != nil && r.b != nil {
				reached = max(reached, r.a.pos)
			}
		}
		rows = slices.DeleteFunc(rows, func(r pair) bool { return r.b == nil && r.a.pos > reached })
	}
	return rows
}

// alignMiddle aligns two runs of phases with no common beginning or end.
func alignMiddle(a, b []phaseEntry) []pair {
	n, m := len(a), len(b)
	var rows []pair
	if n == 0 || m == 0 || n*m > maxCells {
		for i := range a {
			rows = append(rows, pair{a: &a[i]})
		}
		for j := range b {
			rows = append(rows, pair{b: &b[j]})
		}
		return rows
	}
	// lcs[i*(m+1)+j] is the length of the longest common subsequence of
	// a[i:] and b[j:].
	w := m + 1
	lcs := make([]int32, (n+1)*w)
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			switch {
			case a[i].key == b[j].key:
				lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
			case lcs[(i+1)*w+j] >= lcs[i*w+j+1]:
				lcs[i*w+j] = lcs[(i+1)*w+j]
			default:
				lcs[i*w+j] = lcs[i*w+j+1]
			}
		}
	}
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case a[i].key == b[j].key:
			rows = append(rows, pair{a: &a[i], b: &b[j]})
			i++
			j++
		case lcs[(i+1)*w+j] >= lcs[i*w+j+1]:
			rows = append(rows, pair{a: &a[i]})
			i++
		default:
			rows = append(rows, pair{b: &b[j]})
			j++
		}
	}
	for ; i < n; i++ {
		rows = append(rows, pair{a: &a[i]})
	}
	for ; j < m; j++ {
		rows = append(rows, pair{b: &b[j]})
	}
	return rows
}

// pairMoves turns a phase that the alignment left removed from A and
// added in B into one moved row, where B has it.
func pairMoves(rows []pair) []pair {
	removed := map[string][]int{}
	for i, r := range rows {
		if r.b == nil {
			removed[r.a.key] = append(removed[r.a.key], i)
		}
	}
	if len(removed) == 0 {
		return rows
	}
	drop := map[int]bool{}
	for i, r := range rows {
		if r.a != nil {
			continue
		}
		if idx := removed[r.b.key]; len(idx) > 0 {
			rows[i] = pair{a: rows[idx[0]].a, b: r.b, moved: true}
			drop[idx[0]] = true
			removed[r.b.key] = idx[1:]
		}
	}
	out := rows[:0:0]
	for i, r := range rows {
		if !drop[i] {
			out = append(out, r)
		}
	}
	return out
}

// phaseSection reports the rows that are not the same phase in the same
// place, and the phases one boot skipped and the other did not.
func phaseSection(rows []pair) Section {
	s := Section{ID: SectionPhases, Changes: []Change{}}
	for _, r := range rows {
		switch {
		case r.b == nil:
			s.Changes = append(s.Changes, phaseChange(Removed, r.a.ev, where(r.a), ""))
		case r.a == nil:
			s.Changes = append(s.Changes, phaseChange(Added, r.b.ev, "", where(r.b)))
		case r.moved && asynchronous(r.b.ev.Phase):
			// Where it came is chance, not a difference.
		case r.moved:
			s.Changes = append(s.Changes, phaseChange(Moved, r.b.ev, where(r.a), where(r.b)))
		case r.a.ev.Skipped != r.b.ev.Skipped:
			s.Changes = append(s.Changes, phaseChange(Changed, r.b.ev, skipState(r.a.ev), skipState(r.b.ev)))
		}
	}
	return s
}

func phaseChange(op Op, ev *tracer.Event, before, after string) Change {
	return Change{Op: op, Path: ev.Label(), Before: before, After: after, Phase: ev.Phase, Detail: ev.Detail}
}

// where says which phase an entry follows.
func where(e *phaseEntry) string {
	if e.prevLabel == "" {
		return "first"
	}
	return "after " + e.prevLabel
}

func skipState(ev *tracer.Event) string {
	if !ev.Skipped {
		return "reached"
	}
	if ev.Reason == "" {
		return "skipped"
	}
	return "skipped: " + ev.Reason
}

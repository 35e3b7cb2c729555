package diff

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// Threshold is how much a phase's program time must change to be reported:
// by both the factor Ratio and the amount Min, either way. A phase of 2 ms
// that takes 4 ms has doubled, yet by less than a scheduler's hiccup; one
// of 200 ms that takes 206 ms has grown by more than that, yet by 3%.
type Threshold struct {
	Ratio float64
	Min   time.Duration
}

// MarshalJSON writes the threshold as {"ratio":1.5,"min":"5ms"}.
func (t Threshold) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Ratio float64         `json:"ratio"`
		Min   tracer.Duration `json:"min"`
	}{t.Ratio, tracer.Duration(t.Min)})
}

// DefaultThreshold is ×1.5 and 5 ms.
func DefaultThreshold() Threshold { return Threshold{Ratio: 1.5, Min: 5 * time.Millisecond} }

// String writes the threshold as ParseThreshold reads it, e.g. "1.5x+5ms".
func (t Threshold) String() string {
	return strconv.FormatFloat(t.Ratio, 'f', -1, 64) + "x+" + t.Min.String()
}

// ParseThreshold reads a threshold written as a factor, an amount, or
// both: "2x", "10ms", "2x+10ms" (or "2x,10ms"). A part left out keeps its
// default (DefaultThreshold).
func ParseThreshold(s string) (Threshold, error) {
	t := DefaultThreshold()
	s = strings.TrimSpace(s)
	if s == "" {
		return t, errors.New("the time threshold is empty: give a factor, an amount or both, e.g. 2x+10ms")
	}
	var sawRatio, sawMin bool
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == '+' || r == ',' }) {
		part = strings.TrimSpace(part)
		if f, ok := strings.CutSuffix(strings.ToLower(part), "x"); ok {
			r, err := strconv.ParseFloat(f, 64)
			if err != nil || r < 1 || sawRatio {
				return t, fmt.Errorf("the time threshold %q has a bad factor %q: write one factor of 1 or more, such as 1.5x", s, part)
			}
			t.Ratio, sawRatio = r, true
			continue
		}
		d, err := time.ParseDuration(part)
		if err != nil || d < 0 || sawMin {
			return t, fmt.Errorf("the time threshold %q has a bad part %q: write a factor such as 2x and/or one amount such as 10ms", s, part)
		}
		t.Min, sawMin = d, true
	}
	return t, nil
}

// beyond reports whether a change of a phase's time from a to b is beyond
// the threshold, either way.
func (t Threshold) beyond(a, b time.Duration) bool {
	lo, hi := min(a, b), max(a, b)
	return hi-lo >= t.Min && float64(hi) >= float64(lo)*t.Ratio && hi != lo
}

// timed reports whether an entry's time since the phase before it is the
// program's own work. The time before app.stop is the time the App served,
// waiting for a signal; a request's or a user breakpoint's phases wait for
// the user; a phase after them counts that wait too.
func timed(e *phaseEntry) bool {
	waits := func(id tracer.PhaseID) bool {
		// Every phase of the request group is named request.*, and so
		// would be one of a newer recording that this build does not know.
		return id == tracer.PhaseRunning || id == tracer.PhaseBreak || strings.HasPrefix(string(id), "request.")
	}
	if waits(e.ev.Phase) || e.ev.Phase == tracer.PhaseStop {
		return false
	}
	if prev, _, _ := strings.Cut(e.prevKey, " "); waits(tracer.PhaseID(prev)) {
		return false
	}
	return true
}

// timeSection reports the phases both boots reach from the same phase
// whose time since it changed beyond the threshold, and sums up the boot
// and the shutdown.
func timeSection(rows []pair, a, b *stream, th Threshold, partial bool) Section {
	s := Section{ID: SectionTimes, Changes: []Change{}}
	for _, r := range rows {
		if r.a == nil || r.b == nil || r.a.prevKey != r.b.prevKey || !timed(r.a) || !timed(r.b) {
			continue
		}
		ta, tb := time.Duration(r.a.ev.SincePrev), time.Duration(r.b.ev.SincePrev)
		if !th.beyond(ta, tb) {
			continue
		}
		c := phaseChange(Changed, r.b.ev, fmtDuration(r.a.ev.SincePrev), fmtDuration(r.b.ev.SincePrev))
		if ta > 0 {
			c.Ratio = float64(tb) / float64(ta)
		}
		s.Changes = append(s.Changes, c)
	}
	if total := totals("boot", a, b, "", tracer.PhaseRunning); total != "" {
		s.Notes = append(s.Notes, total)
	}
	if !partial {
		if total := totals("shutdown", a, b, tracer.PhaseStop, tracer.PhaseExit); total != "" {
			s.Notes = append(s.Notes, total)
		}
	}
	return s
}

// totals sums up the program time from phase from (the launch when "") to
// phase to in both boots, e.g. "boot (launch → app.running): 25.2ms →
// 31.0ms".
func totals(name string, a, b *stream, from, to tracer.PhaseID) string {
	span := func(s *stream) (tracer.Duration, bool) {
		t := s.reached(to)
		if t == nil {
			return 0, false
		}
		if from == "" {
			return t.Elapsed, true
		}
		f := s.reached(from)
		if f == nil {
			return 0, false
		}
		return t.Elapsed - f.Elapsed, true
	}
	da, okA := span(a)
	db, okB := span(b)
	if !okA || !okB {
		return ""
	}
	start := string(from)
	if from == "" {
		start = "launch"
	}
	return fmt.Sprintf("%s (%s → %s): %s → %s", name, start, to, fmtDuration(da), fmtDuration(db))
}

// exitSection compares how the traces ended.
func exitSection(a, b *stream, partial bool) Section {
	s := Section{ID: SectionExit, Changes: []Change{}}
	if partial {
		return s
	}
	if oa, ob := a.outcome(), b.outcome(); oa != ob {
		s.Changes = append(s.Changes, Change{Op: Changed, Path: "exit", Before: oa, After: ob})
	}
	return s
}

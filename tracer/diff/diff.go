// Package diff compares two boots of a Kratos service, each an event stream
// such as a recording, and says what is different in the second: the phase
// sequence (phases, providers and servers added, removed or moved), the
// Bootstrap leaves (with their origins where the recordings hold them), the
// servers and the registered instance, how the trace ended, and the program
// time of the phases that changed beyond noise.
//
// The result is plain data, in sections, each change with a path, the
// value before and the value after. The command line and the TUI render
// it; neither computes a difference itself.
//
// Secrets stay masked: a value that the recordings hold masked is compared
// by its keyed hash (tracer.Node.Hash, see redact.HashKey), never by the
// secret nor by its masked text, and only when both recordings were hashed
// with the same key.
//
// Times are noise unless asked for: the times section is shown, but its
// changes count as differences only with Options.CountTimes.
package diff

import (
	"fmt"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// SectionID names a section of a Result; IDs are part of the JSON output.
type SectionID string

// The sections, in the order a Result holds them.
const (
	// SectionPhases: phases, providers and servers added, removed or
	// moved, and phases skipped in one boot but not the other.
	SectionPhases SectionID = "phases"
	// SectionBootstrap: Bootstrap leaves changed, added or removed, or
	// taken from another place (origin).
	SectionBootstrap SectionID = "bootstrap"
	// SectionServers: each server's kind, network, address, timeout,
	// endpoint and services, and the instance registered with discovery.
	SectionServers SectionID = "servers"
	// SectionExit: how the trace ended.
	SectionExit SectionID = "exit"
	// SectionTimes: the phases whose program time changed beyond the
	// threshold.
	SectionTimes SectionID = "times"
	// SectionServices: in a diff of two systems, the services one system
	// has and the other has not, first, each reported once; the other
	// sections follow service by service (Section.Service).
	SectionServices SectionID = "services"
)

// Op says what happened to the thing at a Change's path.
type Op string

// The operations of a Change.
const (
	// Added: only the second boot (B) has it; After holds it.
	Added Op = "added"
	// Removed: only the first boot (A) has it; Before holds it.
	Removed Op = "removed"
	// Changed: both have it, with Before in A and After in B.
	Changed Op = "changed"
	// Moved: both have the phase, at another place in the sequence, and
	// Before and After say what it followed in each; or, in the Bootstrap
	// section, both have the leaf with the same value (the same hash, for
	// a masked one), taken from another place: BeforeOrigin and
	// AfterOrigin say where.
	Moved Op = "moved"
)

// Change is one difference between the boots.
type Change struct {
	Op Op `json:"op"`
	// Path names what changed: a phase's label ("wire.provider
	// data.NewData"), a Bootstrap leaf's dotted path
	// ("data.redis.read_timeout"), a server's field ("grpc.address"), or
	// "exit".
	Path string `json:"path"`
	// Before is the value in A and After the value in B; the one that does
	// not exist is empty (see Op).
	Before string `json:"before"`
	After  string `json:"after"`

	// Phase and Detail are set on changes of the phases and times
	// sections: the phase of the change, as in tracer.Event.
	Phase  tracer.PhaseID `json:"phase,omitempty"`
	Detail string         `json:"detail,omitempty"`
	// BeforeOrigin and AfterOrigin are where a Bootstrap leaf's value came
	// from in A and in B, when the recordings hold it.
	BeforeOrigin *tracer.Origin `json:"before_origin,omitempty"`
	AfterOrigin  *tracer.Origin `json:"after_origin,omitempty"`
	// Masked is set when the values are secrets, shown masked and compared
	// by their keyed hashes.
	Masked bool `json:"masked,omitempty"`
	// Ratio is, in the times section, After divided by Before.
	Ratio float64 `json:"ratio,omitempty"`
}

// Section is one part of a Result.
type Section struct {
	ID SectionID `json:"section"`
	// Service is the service of a system the section compares; "" in a
	// diff of single services, and on the services section.
	Service string   `json:"service,omitempty"`
	Changes []Change `json:"changes"`
	// Notes say what the section could not compare, or sum it up (the
	// times section gives the boot's and the shutdown's totals); they are
	// not differences.
	Notes []string `json:"notes,omitempty"`
}

// Result is what Compare found.
type Result struct {
	// A and B name the boots compared, e.g. their files.
	A string `json:"a"`
	B string `json:"b"`
	// Sections holds every section, in the order of the SectionID
	// constants; the times section is left out with Options.NoTimes.
	Sections []Section `json:"sections"`
	// Threshold is the noise threshold the times were compared with.
	Threshold *Threshold `json:"time_threshold,omitempty"`
	// TimesCount is set when the times section's changes count as
	// differences (Options.CountTimes); without it they are shown, and are
	// noise.
	TimesCount bool `json:"times_count"`
	// Partial is set when B was compared as a boot still under way
	// (Options.Partial).
	Partial bool `json:"partial,omitempty"`
	// Same is true when no section holds a change that counts.
	Same bool `json:"same"`
}

// Differs reports whether any section holds a change that counts: the
// times section's count only with TimesCount.
func (r *Result) Differs() bool { return r.Count() > 0 }

// Count is the number of changes that count, in all sections.
func (r *Result) Count() int {
	n := 0
	for _, s := range r.Sections {
		if r.Counts(s.ID) {
			n += len(s.Changes)
		}
	}
	return n
}

// Shown is the number of changes in all sections, the times' too whether
// they count or not: what a view that marks each change marks.
func (r *Result) Shown() int {
	n := 0
	for _, s := range r.Sections {
		n += len(s.Changes)
	}
	return n
}

// Counts reports whether the changes of section id count as differences:
// those of every section but the times, and the times' with TimesCount.
func (r *Result) Counts(id SectionID) bool {
	return id != SectionTimes || r.TimesCount
}

// ServiceSection returns the section id of service svc in a diff of two
// systems, or nil.
func (r *Result) ServiceSection(svc string, id SectionID) *Section {
	for i := range r.Sections {
		if r.Sections[i].ID == id && r.Sections[i].Service == svc {
			return &r.Sections[i]
		}
	}
	return nil
}

// Section returns the section id, or nil when the Result leaves it out; in
// a diff of two systems, the first service's.
func (r *Result) Section(id SectionID) *Section {
	for i := range r.Sections {
		if r.Sections[i].ID == id {
			return &r.Sections[i]
		}
	}
	return nil
}

// TimeChange returns the change of the times section for the phase with
// detail, or nil.
func (r *Result) TimeChange(phase tracer.PhaseID, detail string) *Change {
	return r.findPhase(SectionTimes, phase, detail)
}

func (r *Result) findPhase(id SectionID, phase tracer.PhaseID, detail string) *Change {
	s := r.Section(id)
	if s == nil {
		return nil
	}
	want := phaseKey(phase, detail)
	for i := range s.Changes {
		c := &s.Changes[i]
		if c.Phase == phase && phaseKey(c.Phase, c.Detail) == want {
			return c
		}
	}
	return nil
}

// LeafChange returns the change of the Bootstrap section at the dotted
// path, or nil when that leaf is the same in both boots.
func (r *Result) LeafChange(path string) *Change {
	s := r.Section(SectionBootstrap)
	if s == nil {
		return nil
	}
	for i := range s.Changes {
		if s.Changes[i].Path == path {
			return &s.Changes[i]
		}
	}
	return nil
}

// Options control Compare.
type Options struct {
	// NoTimes leaves the times section out.
	NoTimes bool
	// CountTimes makes the times section's changes count as differences
	// (Result.Differs). Without it they are shown but do not count: a
	// program's time moves with the machine's load, and two boots of the
	// same program differ in it.
	CountTimes bool
	// Threshold is how much a phase's program time must change to be
	// reported; the zero value means DefaultThreshold.
	Threshold Threshold
	// Partial compares B as a boot still under way, or one that ended
	// before the program exited (a live trace, or one left running at
	// app.running): what A has beyond the point B reached is not reported
	// as removed, and neither the exit nor the times of the shutdown are
	// compared.
	Partial bool
}

// Boot is one boot to compare: its events, and what its recording's header
// (replay.Header) says of their masked values.
type Boot struct {
	// Name names the boot in the result, e.g. its file.
	Name   string
	Events []tracer.Event
	// Redacted is set when secrets are masked in Events; HashKey is the
	// ID of the key their hashes were made with, "" when they have none.
	Redacted bool
	HashKey  string
}

// Compare returns what is different in boot b from boot a.
func Compare(a, b Boot, opts Options) *Result {
	if tracer.IsSystemTrace(a.Events) || tracer.IsSystemTrace(b.Events) {
		return compareSystems(a, b, opts)
	}
	return compareOne(a, b, opts)
}

// compareOne compares two boots of one service.
func compareOne(a, b Boot, opts Options) *Result {
	th := opts.Threshold
	if th == (Threshold{}) {
		th = DefaultThreshold()
	}
	sa, sb := newStream(a), newStream(b)
	res := &Result{A: a.Name, B: b.Name, Partial: opts.Partial, TimesCount: opts.CountTimes && !opts.NoTimes}
	al := alignPhases(sa.phases, sb.phases, opts.Partial)
	res.Sections = append(res.Sections,
		phaseSection(al),
		bootstrapSection(sa, sb, opts.Partial),
		serverSection(sa, sb, opts.Partial),
		exitSection(sa, sb, opts.Partial),
	)
	if !opts.NoTimes {
		res.Threshold = &th
		res.Sections = append(res.Sections, timeSection(al, sa, sb, th, opts.Partial))
	}
	res.Same = !res.Differs()
	return res
}

// stream is one boot's events, sorted out for comparing.
type stream struct {
	name     string
	redacted bool
	hashKey  string
	events   []tracer.Event
	phases   []phaseEntry
	// bootstrap is the last Bootstrap the trace read.
	bootstrap *tracer.Node
}

func newStream(boot Boot) *stream {
	s := &stream{name: boot.Name, redacted: boot.Redacted, hashKey: boot.HashKey, events: boot.Events}
	prev := ""
	prevLabel := ""
	for i, ev := range boot.Events {
		if ev.Bootstrap != nil {
			s.bootstrap = ev.Bootstrap
		}
		if !ev.IsPhase() {
			continue
		}
		k := phaseKey(ev.Phase, ev.Detail)
		s.phases = append(s.phases, phaseEntry{key: k, ev: &boot.Events[i], prevKey: prev, prevLabel: prevLabel})
		prev, prevLabel = k, ev.Label()
	}
	return s
}

// outcome says in a few words how the trace ended: "exit status 0", an
// error, a stall, or where an incomplete trace stops.
func (s *stream) outcome() string {
	var last *tracer.Event
	for i := len(s.events) - 1; i >= 0; i-- {
		ev := &s.events[i]
		switch ev.Kind {
		case tracer.KindExit:
			if ev.ExitCode != nil {
				return fmt.Sprintf("exit status %d", *ev.ExitCode)
			}
			return "exited"
		case tracer.KindError:
			msg := tracer.FirstLine(ev.Error)
			if ev.Phase != "" {
				return fmt.Sprintf("error at %s: %s", ev.Label(), msg)
			}
			return "error: " + msg
		case tracer.KindStall:
			return "stalled after " + s.lastPhaseLabel()
		}
		if last == nil && ev.IsPhase() {
			last = ev
		}
	}
	if last == nil {
		return "no phase reached"
	}
	return "ends at " + last.Label() + ", before the exit"
}

func (s *stream) lastPhaseLabel() string {
	if len(s.phases) == 0 {
		return "the launch"
	}
	return s.phases[len(s.phases)-1].ev.Label()
}

// reached reports whether the trace got to phase id.
func (s *stream) reached(id tracer.PhaseID) *tracer.Event {
	for _, p := range s.phases {
		if p.ev.Phase == id {
			return p.ev
		}
	}
	return nil
}

// fmtDuration formats a program time for the diff: to the microsecond
// below a second, to the millisecond above.
func fmtDuration(d tracer.Duration) string {
	t := time.Duration(d)
	if t >= time.Second {
		return t.Round(time.Millisecond).String()
	}
	return t.Round(time.Microsecond).String()
}

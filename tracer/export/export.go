// Package export writes a trace in the Chrome Trace Event Format, the JSON
// that Perfetto UI (ui.perfetto.dev) and chrome://tracing open.
//
// One process holds the trace. Its "lifecycle" thread shows the boot and
// shutdown as nested slices: each group of phases (main, config, wire, run,
// shutdown) contains its phases, and each phase lasts from its event to the
// next phase event, so a slice's duration is the time the program spent in
// that phase (including any time it sat paused at the breakpoint). Each
// server gets a thread of its own showing its state (created, starting,
// listening, stopped) over time, with a mark where it starts and stops; each
// request kratos-trace sent gets a thread of its own, with a slice for the
// request, one per layer call nested as the calls were, and a mark at the
// reply; the program's output lines are instant marks on an "output"
// thread. At config.load and config.scan a phase's args list the config
// sources and every Bootstrap leaf with where its value came from.
//
// Timestamps are microseconds since the program's launch (Event.Elapsed).
package export

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/redact"
)

// Options control an export.
type Options struct {
	// Name names the process in the viewer, e.g. "kratos-trace ./demo";
	// default "kratos-trace".
	Name string
	// Metadata is written as the trace's otherData (e.g. the recording's
	// header: versions, start time).
	Metadata map[string]string
	// NoRedact writes values that look secret as they are; by default every
	// event goes through redact.Event first.
	NoRedact bool
}

// File is the JSON object form of the Trace Event Format.
type File struct {
	TraceEvents     []TraceEvent      `json:"traceEvents"`
	DisplayTimeUnit string            `json:"displayTimeUnit"`
	OtherData       map[string]string `json:"otherData,omitempty"`
}

// TraceEvent is one event of the Trace Event Format. Ph is "X" for a
// complete (duration) slice, "i" for an instant and "M" for metadata; Ts and
// Dur are in microseconds.
type TraceEvent struct {
	Name string   `json:"name"`
	Cat  string   `json:"cat,omitempty"`
	Ph   string   `json:"ph"`
	Ts   float64  `json:"ts"`
	Dur  *float64 `json:"dur,omitempty"`
	Pid  int      `json:"pid"`
	Tid  int      `json:"tid"`
	S    string   `json:"s,omitempty"`
	// ID ties a flow's start ("s") to its end ("f"); Bp "e" binds the end
	// to the slice enclosing it.
	ID   int            `json:"id,omitempty"`
	Bp   string         `json:"bp,omitempty"`
	Args map[string]any `json:"args,omitempty"`
}

// The process and thread ids of the tracks.
const (
	pid            = 1
	tidLifecycle   = 1
	tidOutput      = 2
	tidFirstServer = 10
)

// Write writes events as a Trace Event Format JSON object to w.
func Write(w io.Writer, events []tracer.Event, opts Options) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	if err := enc.Encode(Build(events, opts)); err != nil {
		return fmt.Errorf("write the trace: %w", err)
	}
	return nil
}

// Build converts events into a trace.
func Build(events []tracer.Event, opts Options) *File {
	if !opts.NoRedact {
		red := make([]tracer.Event, len(events))
		for i, ev := range events {
			red[i] = redact.Event(ev)
		}
		events = red
	}
	name := opts.Name
	if name == "" {
		name = "kratos-trace"
	}
	if tracer.IsSystemTrace(events) {
		return buildSystem(events, name, opts)
	}
	b := &builder{pid: pid}
	b.process(events, name)
	return &File{TraceEvents: b.out, DisplayTimeUnit: "ms", OtherData: opts.Metadata}
}

// process writes the tracks of one program's events, in the process named
// name.
func (b *builder) process(events []tracer.Event, name string) {
	b.meta("process_name", tidLifecycle, map[string]any{"name": name})
	b.meta("thread_name", tidLifecycle, map[string]any{"name": "lifecycle"})
	b.meta("thread_sort_index", tidLifecycle, map[string]any{"sort_index": 0})

	var phases []tracer.Event
	for _, ev := range events {
		// A request's phases are on the request's own track.
		if ev.IsPhase() && ev.Request == nil {
			phases = append(phases, ev)
		}
	}
	end := endOf(events)
	b.lifecycle(phases, end)
	b.servers(phases, end)
	b.requests(events, end)
	b.output(events)
}

// endOf is the time of the trace's last event.
func endOf(events []tracer.Event) float64 {
	end := 0.0
	for _, ev := range events {
		end = max(end, micros(ev.Elapsed))
	}
	return end
}

// micros converts d to whole microseconds, the precision a recording keeps,
// so an export of a live run and of its recording are the same.
func micros(d tracer.Duration) float64 {
	return math.Round(float64(d) / 1e3)
}

// builder writes the tracks of one process: pid, with its timestamps
// moved by shift (a system's service launched shift µs after the first).
type builder struct {
	out   []TraceEvent
	pid   int
	shift float64
}

func (b *builder) meta(name string, tid int, args map[string]any) {
	b.out = append(b.out, TraceEvent{Name: name, Ph: "M", Pid: b.pid, Tid: tid, Args: args})
}

func (b *builder) slice(name, cat string, tid int, from, to float64, args map[string]any) {
	dur := max(to-from, 0)
	b.out = append(b.out, TraceEvent{Name: name, Cat: cat, Ph: "X", Ts: from + b.shift, Dur: &dur, Pid: b.pid, Tid: tid, Args: args})
}

func (b *builder) instant(name, cat string, tid int, ts float64, args map[string]any) {
	b.out = append(b.out, TraceEvent{Name: name, Cat: cat, Ph: "i", S: "t", Ts: ts + b.shift, Pid: b.pid, Tid: tid, Args: args})
}

// lifecycle writes the group slices and, inside them, a slice per phase from
// its event to the next phase event. The exit, which has no next, is an
// instant.
func (b *builder) lifecycle(phases []tracer.Event, end float64) {
	groupStart, group := 0, groupOf(phases, 0)
	for i := 1; i <= len(phases); i++ {
		if i < len(phases) && groupOf(phases, i) == group {
			continue
		}
		to := end
		if i < len(phases) {
			to = micros(phases[i].Elapsed)
		}
		if group != "" {
			b.slice(string(group), "group", tidLifecycle, micros(phases[groupStart].Elapsed), to, nil)
		}
		if i < len(phases) {
			groupStart, group = i, groupOf(phases, i)
		}
	}
	for i, ev := range phases {
		args := phaseArgs(ev)
		if i == len(phases)-1 && ev.Kind == tracer.KindExit {
			b.instant(ev.Label(), "phase", tidLifecycle, micros(ev.Elapsed), args)
			continue
		}
		to := end
		if i+1 < len(phases) {
			to = micros(phases[i+1].Elapsed)
		}
		b.slice(ev.Label(), "phase", tidLifecycle, micros(ev.Elapsed), to, args)
	}
}

func groupOf(phases []tracer.Event, i int) tracer.Group {
	if i >= len(phases) {
		return ""
	}
	// A stop at a breakpoint of the user's own belongs to the part of the
	// program it happened in: the group of the lifecycle phase before it.
	for i > 0 && phases[i].Phase == tracer.PhaseBreak {
		i--
	}
	info, _ := tracer.Info(phases[i].Phase)
	return info.Group
}

func phaseArgs(ev tracer.Event) map[string]any {
	args := map[string]any{"kind": string(ev.Kind)}
	if title := tracer.TitleOf(ev.Phase, ev.Detail, tracer.English); title != "" {
		args["title"] = title
	}
	if ev.Location() != "" {
		args["location"] = ev.Location()
		args["function"] = ev.Function
	}
	if ev.Goroutine != 0 {
		args["goroutine"] = ev.Goroutine
	}
	if ev.Skipped {
		args["skipped"] = ev.Reason
	}
	if ev.ExitCode != nil {
		args["exit_code"] = *ev.ExitCode
	}
	addConfigArgs(ev, args)
	return args
}

// serverTrack is one server's thread and the state it is in.
type serverTrack struct {
	tid   int
	state tracer.ServerState
	since float64
}

// servers writes a thread per server with a slice per state it went through,
// and marks where its start and stop phases were.
func (b *builder) servers(phases []tracer.Event, end float64) {
	tracks := map[string]*serverTrack{}
	var order []string
	for _, ev := range phases {
		ts := micros(ev.Elapsed)
		for _, s := range ev.Servers {
			key := serverKey(s)
			tr, ok := tracks[key]
			if !ok {
				tr = &serverTrack{tid: tidFirstServer + len(order)}
				tracks[key] = tr
				order = append(order, key)
				b.meta("thread_name", tr.tid, map[string]any{"name": "server " + key})
				b.meta("thread_sort_index", tr.tid, map[string]any{"sort_index": tr.tid})
			}
			if s.State == tr.state {
				continue
			}
			if tr.state != "" {
				b.slice(string(tr.state), "server", tr.tid, tr.since, ts, map[string]any{"server": key})
			}
			tr.state, tr.since = s.State, ts
		}
		if ev.Phase == tracer.PhaseServerStart || ev.Phase == tracer.PhaseServerStop {
			for _, key := range order {
				if ev.Detail != "" && (ev.Detail == key || strings.HasPrefix(key, ev.Detail+" ")) {
					b.instant(ev.Label(), "server", tracks[key].tid, ts, phaseArgs(ev))
					break
				}
			}
		}
	}
	for _, key := range order {
		tr := tracks[key]
		if tr.state != "" {
			b.slice(string(tr.state), "server", tr.tid, tr.since, end, map[string]any{"server": key})
		}
	}
}

// serverKey names a server the way server.start's detail does: "http
// 127.0.0.1:8000".
func serverKey(s tracer.Server) string {
	if s.Address == "" {
		return s.Kind
	}
	return s.Kind + " " + s.ShownAddress()
}

// output writes each line of the program's output as an instant, at the
// time its first piece arrived: the pieces of a long line
// (tracer.OutputLine.Continued) make one instant with the whole text.
func (b *builder) output(events []tracer.Event) {
	first := true
	type openLine struct {
		at   float64
		text strings.Builder
	}
	open := map[string]*openLine{}
	for _, ev := range events {
		if ev.Kind != tracer.KindOutput || ev.Output == nil {
			continue
		}
		if first {
			b.meta("thread_name", tidOutput, map[string]any{"name": "output"})
			b.meta("thread_sort_index", tidOutput, map[string]any{"sort_index": tidOutput})
			first = false
		}
		stream := ev.Output.Stream
		l := open[stream]
		if l == nil {
			l = &openLine{at: micros(ev.Elapsed)}
		}
		l.text.WriteString(ev.Output.Text)
		if ev.Output.Continued {
			open[stream] = l
			continue
		}
		delete(open, stream)
		b.outputInstant(stream, l.at, l.text.String())
	}
	// A line the trace ended in the middle of is written as far as it got.
	for _, stream := range []string{"stdout", "stderr"} {
		if l := open[stream]; l != nil {
			b.outputInstant(stream, l.at, l.text.String())
		}
	}
}

// outputInstant writes one line of output, named by its beginning; the
// whole line is in its args.
func (b *builder) outputInstant(stream string, at float64, text string) {
	b.instant(outputName(text), stream, tidOutput, at, map[string]any{"stream": stream, "text": text})
}

// maxOutputName bounds the name of an output instant, in runes.
const maxOutputName = 80

// outputName is the beginning of an output line as an instant's name: the
// line itself when it has at most maxOutputName runes, else its first
// runes and "..." in maxOutputName. It reads no further into the line than
// that, however long the line.
func outputName(text string) string {
	const keep = maxOutputName - len("...")
	cut, n := 0, 0
	for i := range text {
		if n == keep {
			cut = i
		}
		if n == maxOutputName {
			return text[:cut] + "..."
		}
		n++
	}
	return text
}

package diff

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/replay"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// bigRecording returns a recording of n events made of the demo trace's
// events over and over, each with its Bootstrap, servers, stack and source,
// as a live recording holds them; edit changes the events before they are
// written.
func bigRecording(b *testing.B, n int, edit func([]tracer.Event)) []byte {
	b.Helper()
	demo := tracertest.DemoEvents()
	events := make([]tracer.Event, n)
	for i := range n {
		ev := demo[i%len(demo)]
		if i < n-1 && ev.Kind == tracer.KindExit {
			ev = demo[4]
		}
		ev.Seq = i + 1
		events[i] = ev
	}
	if edit != nil {
		edit(events)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.Encode(replay.Header{Format: replay.FormatName, Version: replay.FormatVersion, Target: "./demo", Redacted: true})
	for _, ev := range events {
		enc.Encode(ev)
	}
	return buf.Bytes()
}

// differentBig changes a recording at its start, its end and in its middle,
// so that the alignment has no common beginning or end to set aside: a
// provider moved, a phase gone, one phase slower, a config value and a
// server's address changed.
func differentBig(events []tracer.Event) {
	events[4], events[5] = events[5], events[4]
	events[len(events)/2].Phase = "app.gone"
	events[len(events)/3].SincePrev += tracer.Duration(20 * time.Millisecond)
	last := len(events) - 1
	for events[last].Bootstrap == nil || len(events[last].Servers) == 0 {
		last--
	}
	ev := &events[last]
	ev.Bootstrap = clone(ev.Bootstrap)
	ev.Bootstrap.Lookup("server.http.timeout").Value = "3s"
	ev.Servers = append([]tracer.Server(nil), ev.Servers...)
	ev.Servers[0].Address = "127.0.0.1:9999"
}

// BenchmarkCompare1000 compares two 1000-event recordings read into memory.
func BenchmarkCompare1000(b *testing.B) {
	a, err := replay.Parse("a.jsonl", bigRecording(b, 1000, nil))
	if err != nil {
		b.Fatal(err)
	}
	c, err := replay.Parse("b.jsonl", bigRecording(b, 1000, differentBig))
	if err != nil {
		b.Fatal(err)
	}
	ba, bb := Boot{Name: a.Path, Events: a.Events}, Boot{Name: c.Path, Events: c.Events}
	if r := Compare(ba, bb, Options{}); r.Count() < 5 {
		b.Fatalf("%d changes, want the 5 made at least: %+v", r.Count(), r.Sections)
	}
	b.ReportAllocs()
	for b.Loop() {
		Compare(ba, bb, Options{})
	}
}

// BenchmarkDiff1000 is what `kratos-trace diff A B` does with two 1000-event
// recordings: read both, then compare them.
func BenchmarkDiff1000(b *testing.B) {
	da, db := bigRecording(b, 1000, nil), bigRecording(b, 1000, differentBig)
	b.SetBytes(int64(len(da) + len(db)))
	b.ReportAllocs()
	for b.Loop() {
		a, err := replay.Parse("a.jsonl", da)
		if err != nil {
			b.Fatal(err)
		}
		c, err := replay.Parse("b.jsonl", db)
		if err != nil {
			b.Fatal(err)
		}
		Compare(Boot{Name: a.Path, Events: a.Events}, Boot{Name: c.Path, Events: c.Events}, Options{})
	}
}

package delve

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// BenchmarkStopValues measures what every stop adds to the way from the
// halt to the event since the values of the user's own were added: the
// arguments and locals of frame 0 and two watches (one that reads, one that
// is not in scope at most stops), at stops of several kinds in the demo.
// The program stays paused at each stop while its sub-benchmark runs.
//
//	go test ./tracer/delve -run '^$' -bench StopValues -benchtime 50x -count 3
func BenchmarkStopValues(b *testing.B) {
	conf := tracertest.WriteDemoConfig(b, tracertest.DemoConfigOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), traceTimeout)
	defer cancel()
	s, err := Start(ctx, Config{
		Target:  demoDir,
		Args:    []string{"-conf", conf.Dir},
		Watches: []string{"main.flagconf", "len(a.opts.servers)"},
	})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	at := map[string]bool{
		"wire.provider data.NewData": true, "wire.provider main.newApp": true, "wire.done wireApp": true,
		"app.before-start": true, "app.running": true,
	}
	for {
		var ev tracer.Event
		select {
		case <-ctx.Done():
			b.Fatal("the trace timed out")
		case e, ok := <-s.Events():
			if !ok {
				return
			}
			ev = e
		}
		if ev.Kind == tracer.KindError {
			b.Fatalf("the trace failed: %s", ev.Error)
		}
		if ev.Kind != tracer.KindStop {
			continue
		}
		if at[ev.Label()] {
			b.Run(ev.Label(), func(b *testing.B) {
				benchStop(b, s, ev)
			})
		}
		if ev.Phase == tracer.PhaseRunning {
			err = s.Signal(ctx, syscall.SIGTERM)
		} else {
			err = s.Continue(ctx)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}

// benchStop reads the stop's values b.N times, the way the session does
// before it delivers the event, and reports the stack read beside them.
func benchStop(b *testing.B, s *Session, ev tracer.Event) {
	release, err := s.beginInspect(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	defer release()
	var stack time.Duration
	b.ResetTimer()
	for range b.N {
		e := tracer.Event{Goroutine: ev.Goroutine, Function: ev.Function}
		s.addStopValues(&e)
		b.StopTimer()
		t := time.Now()
		s.stack(ev.Goroutine)
		stack += time.Since(t)
		b.StartTimer()
	}
	b.ReportMetric(float64(stack.Microseconds())/float64(b.N), "stack-µs/op")
}

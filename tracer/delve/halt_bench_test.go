package delve

import (
	"context"
	"testing"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// BenchmarkHaltServingDemo is what the user waits for between asking for a
// halt and seeing every goroutine: the demo serves (about 20 goroutines),
// Halt interrupts it, every goroutine and its stack are read, and the
// event arrives; then Continue lets it serve again.
func BenchmarkHaltServingDemo(b *testing.B) {
	conf := writeDemoConfig(&testing.T{})
	ctx, cancel := context.WithTimeout(context.Background(), traceTimeout)
	defer cancel()
	s, err := Start(ctx, Config{Target: demoDir, Args: []string{"-conf", conf.Dir}})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	// next returns the next event of kind, or the stop at app.running,
	// continuing the stops on the way.
	next := func(kind tracer.Kind) tracer.Event {
		for {
			select {
			case ev, ok := <-s.Events():
				if !ok {
					b.Fatalf("the trace ended before a %s event", kind)
				}
				switch {
				case ev.Kind == tracer.KindError:
					b.Fatalf("trace error: %s", ev.Error)
				case ev.Kind == kind && kind != tracer.KindStop, ev.Kind == tracer.KindStop && ev.Phase == tracer.PhaseRunning:
					return ev
				case ev.Kind == tracer.KindStop:
					if err := s.Continue(ctx); err != nil {
						b.Fatal(err)
					}
				}
			case <-ctx.Done():
				b.Fatal("timed out")
			}
		}
	}
	next(tracer.KindStop) // app.running
	if err := s.Continue(ctx); err != nil {
		b.Fatal(err)
	}
	goroutines := 0
	for b.Loop() {
		// Let it serve a moment, as a person would before halting.
		b.StopTimer()
		time.Sleep(20 * time.Millisecond)
		b.StartTimer()
		if err := s.Halt(ctx); err != nil {
			b.Fatal(err)
		}
		ev := next(tracer.KindHalt)
		goroutines = len(ev.Goroutines)
		b.StopTimer()
		if err := s.Continue(ctx); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(goroutines), "goroutines")
}

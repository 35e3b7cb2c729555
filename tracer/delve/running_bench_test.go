package delve

import (
	"context"
	"testing"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// BenchmarkRunningStop is what the user waits for at the end of the boot:
// from the Continue of the stop before app.running to the app.running stop
// itself, on the demo with a warm build cache. The work kratos-trace does
// there (the servers, the App's state, what a request needs) is in it; the
// rest of each trace is not timed.
func BenchmarkRunningStop(b *testing.B) {
	b.StopTimer()
	conf := writeDemoConfig(&testing.T{})
	var total time.Duration
	n := 0
	for range b.N {
		total += runningStop(b, conf.Dir)
		n++
	}
	b.StopTimer()
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(total.Milliseconds())/float64(n), "ms/running-stop")
}

// runningStop traces the demo to app.running and returns the time from the
// last Continue before it to its stop.
func runningStop(b *testing.B, confDir string) time.Duration {
	ctx, cancel := context.WithTimeout(context.Background(), traceTimeout)
	defer cancel()
	s, err := Start(ctx, Config{Target: demoDir, Args: []string{"-conf", confDir}})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var continued time.Time
	for {
		select {
		case ev, ok := <-s.Events():
			if !ok {
				b.Fatal("the trace ended before app.running")
			}
			switch {
			case ev.Kind == tracer.KindError:
				b.Fatalf("trace error: %s", ev.Error)
			case ev.Kind == tracer.KindStop && ev.Phase == tracer.PhaseRunning:
				return time.Since(continued)
			case ev.Kind == tracer.KindStop:
				continued = time.Now()
				if err := s.Continue(ctx); err != nil {
					b.Fatal(err)
				}
			}
		case <-ctx.Done():
			b.Fatal("timed out")
		}
	}
}

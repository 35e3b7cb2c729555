package delve

import (
	"context"
	"testing"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// BenchmarkConfigProvenance measures what config provenance adds to a
// trace of the demo: the program's run from flag.parse to the config.scan
// stop (config.load passes without pausing), with and without reading the
// sources and computing the origins. The difference is the time added at
// config.load and config.scan; "provenance-ms" is the part of it spent in
// kratos-trace itself (reads and the merge replay), the rest is Delve
// stopping at the breakpoint after each source's Load. The budget is 20 ms.
//
//	go test ./tracer/delve -run '^$' -bench ConfigProvenance -benchtime 10x
func BenchmarkConfigProvenance(b *testing.B) {
	conf := tracertestConfig(b)
	for _, tc := range []struct {
		name string
		off  bool
	}{{"on", false}, {"off", true}} {
		b.Run(tc.name, func(b *testing.B) {
			var total, spent time.Duration
			for b.Loop() {
				took, prov := flagToScan(b, Config{Target: demoDir, Args: []string{"-conf", conf}, NoBreak: []tracer.PhaseID{tracer.PhaseConfigLoad}, NoProvenance: tc.off})
				total += took
				spent += prov
			}
			b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "flag-to-scan-ms")
			b.ReportMetric(float64(spent.Microseconds())/1000/float64(b.N), "provenance-ms")
			b.ReportMetric(0, "ns/op")
		})
	}
}

func tracertestConfig(b *testing.B) string {
	b.Helper()
	return tracertest.WriteDemoConfig(b, tracertest.DemoConfigOptions{}).Dir
}

// flagToScan traces cfg and returns how long the program took from the
// Continue at flag.parse to the config.scan stop, and the session's own
// provenance time.
func flagToScan(b *testing.B, cfg Config) (time.Duration, time.Duration) {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), traceTimeout)
	defer cancel()
	s, err := Start(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var from time.Time
	for ev := range s.Events() {
		if ev.Kind == tracer.KindError {
			b.Fatalf("trace failed: %s", ev.Error)
		}
		if ev.Kind != tracer.KindStop {
			continue
		}
		switch ev.Phase {
		case tracer.PhaseFlagParse:
			from = time.Now()
		case tracer.PhaseConfigScan:
			took := time.Since(from)
			return took, s.ProvenanceTime()
		}
		if err := s.Continue(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.Fatal("the trace ended before config.scan")
	return 0, 0
}

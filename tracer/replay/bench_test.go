package replay

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// writeRecording writes a recording of n events made of the demo trace's
// events over and over (each with its Bootstrap, servers, stack and source
// snippet, as a live recording has them), and returns its path and size.
func writeRecording(b *testing.B, n int) (string, int) {
	b.Helper()
	demo := tracertest.DemoEvents()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.Encode(Header{Format: FormatName, Version: FormatVersion, Target: "./demo", Redacted: true})
	for i := range n {
		ev := demo[i%len(demo)]
		ev.Seq = i + 1
		if i < n-1 && ev.Kind == tracer.KindExit {
			ev = demo[4]
			ev.Seq = i + 1
		}
		enc.Encode(ev)
	}
	path := filepath.Join(b.TempDir(), "big.jsonl")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		b.Fatal(err)
	}
	return path, buf.Len()
}

// BenchmarkOpen1000 opens a 1000-event recording and takes its first event,
// which is what a replay costs before the UI can show anything.
func BenchmarkOpen1000(b *testing.B) {
	path, size := writeRecording(b, 1000)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		src, err := Open(path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(src.Recording().Events) != 1000 {
			b.Fatalf("%d events", len(src.Recording().Events))
		}
		<-src.Events()
		src.Close()
	}
}

package tracertest

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// demoJSONL is a trace of the demo service, one tracer.Event per line as
// json.Marshal writes it: the build status, the session, every phase of the
// boot, a SIGTERM at app.running, the shutdown and the exit.
//
//go:embed testdata/demo.jsonl
var demoJSONL []byte

// DemoEvents returns the events of testdata/demo.jsonl, a trace of the demo
// service from the first build status to the exit. Each call returns a fresh
// copy, so a test may change the events it gets.
//
// The file may be replaced by a recording of a live run; tests should depend
// on the shape of the trace (which phases, in which order) rather than on
// exact times or lines.
func DemoEvents() []tracer.Event {
	events, err := ParseEvents(demoJSONL)
	if err != nil {
		panic(fmt.Sprintf("tracertest: testdata/demo.jsonl: %v", err))
	}
	return events
}

// ParseEvents reads JSON lines of tracer.Event, skipping blank lines.
func ParseEvents(data []byte) ([]tracer.Event, error) {
	var events []tracer.Event
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var ev tracer.Event
		if err := json.Unmarshal(line, &ev); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		events = append(events, ev)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return events, nil
}

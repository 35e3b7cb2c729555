package export

import (
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

func TestExportRequestTracks(t *testing.T) {
	f := exportEvents(t, tracertest.RequestEvents(), Options{})
	threads := map[int]string{}
	layers := map[int][]TraceEvent{}
	for _, ev := range f.TraceEvents {
		switch {
		case ev.Ph == "M" && ev.Name == "thread_name":
			threads[ev.Tid] = ev.Args["name"].(string)
		case ev.Cat == "layer":
			layers[ev.Tid] = append(layers[ev.Tid], ev)
		case ev.Cat == "phase" && strings.HasPrefix(ev.Name, "request."):
			t.Errorf("request phase %s on the lifecycle track", ev.Name)
		}
	}
	for tid, want := range map[int]string{100: "request #1 GET /helloworld/kratos", 101: "request #2 grpc helloworld.v1.Greeter/SayHello", 102: "request #3 GET /no/such/route"} {
		if threads[tid] != want {
			t.Errorf("thread %d is %q, want %q", tid, threads[tid], want)
		}
	}
	// Request 1 crosses seven calls, each slice inside its caller's.
	if n := len(layers[100]); n != 7 {
		t.Errorf("request 1 has %d layer slices, want 7", n)
	}
	var biz, data *TraceEvent
	for i, ev := range layers[101] {
		switch {
		case strings.HasPrefix(ev.Name, "request.biz"):
			biz = &layers[101][i]
		case strings.HasPrefix(ev.Name, "request.data"):
			data = &layers[101][i]
		}
	}
	if biz == nil || biz.Args["error"] != "name is empty" || data != nil {
		t.Errorf("request 2's biz slice: %+v; data: %+v", biz, data)
	}
	for _, ev := range f.TraceEvents {
		if ev.Cat == "reply" && ev.Tid == 102 && (ev.Args["status"] != "404 Not Found" || ev.Args["failed_at"] != "request.transport ") {
			t.Errorf("request 3's reply: %+v", ev.Args)
		}
	}
}

package script

import (
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer/replay"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

func TestParseRequest(t *testing.T) {
	s := mustParse(t, "request GET /helloworld/kratos\nrequest grpc helloworld.v1.Greeter/SayHello {\"name\": \"a # b\"}  # a comment\n")
	if got := s.Commands[0].Request; got.Method != "GET" || got.Path != "/helloworld/kratos" {
		t.Errorf("HTTP: %+v", got)
	}
	if got := s.Commands[1].Request; got.Transport != "grpc" || got.Body != `{"name": "a # b"}` {
		t.Errorf("gRPC: %+v", got)
	}
	_, err := Parse("bad.kts", strings.NewReader("request\nrequest FETCH /x\nexpect reply.colour == x\n"))
	for _, want := range []string{"bad.kts:1:8: request needs METHOD PATH", `bad.kts:2:9: "FETCH" is neither an HTTP method nor grpc`, "reply's fields are code, status"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("errors lack %q: %v", want, err)
		}
	}
}

// requestScript follows the fixture's three requests.
const requestScript = `
continue
expect phase == app.running
break request.service request.biz
request GET /helloworld/kratos
expect phase == request.service
expect request.path == /helloworld/kratos
continue
expect phase == request.biz
continue
expect phase == request.reply
expect reply.code == 200
expect reply.body contains "Hello kratos"
request grpc helloworld.v1.Greeter/SayHello {"name":""}
expect phase == request.service
continue
continue
expect reply.status == InvalidArgument
expect reply.failed_at == request.biz
clear all
request GET /no/such/route
expect reply.code == 404
expect reply.failed_at == request.transport
sigterm
expect phase == exit
`

func TestRequestScriptOnReplay(t *testing.T) {
	src := replay.NewSource(&replay.Recording{Path: "requests", Events: tracertest.RequestEvents()}, replay.Options{})
	res, out := runOn(t, src, requestScript)
	if !res.OK() {
		t.Errorf("the script failed:\n%s", out)
	}
	// A request the recording does not hold next fails, naming its line.
	src = replay.NewSource(&replay.Recording{Path: "requests", Events: tracertest.RequestEvents()}, replay.Options{})
	res, out = runOn(t, src, "continue\nrequest GET /other\n")
	if res.OK() || !strings.Contains(out, "2: request GET /other: the trace went on to #1 GET /helloworld/kratos, not to this request") {
		t.Errorf("a wrong request passed:\n%s", out)
	}
	// Before app.running there is nothing to send to.
	res, out = runOn(t, tracertest.NewFake(tracertest.DemoEvents()), "break config.scan\ncontinue\nrequest GET /x\n")
	if res.OK() || !strings.Contains(out, "a request is sent from app.running") {
		t.Errorf("a request at config.scan passed:\n%s", out)
	}
}

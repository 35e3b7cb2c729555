package tracertest

import (
	_ "embed"
	"fmt"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// requestsJSONL is a recording of a live run of the demo, its header line
// left out, that sends three requests at app.running: GET
// /helloworld/kratos (200), gRPC SayHello with an empty name (a biz error,
// InvalidArgument) and GET /no/such/route (404); then SIGTERM. It was made
// with
//
//	kratos-trace run --headless --record r.jsonl \
//	  --request 'GET /helloworld/kratos' \
//	  --request 'grpc helloworld.v1.Greeter/SayHello {"name":""}' \
//	  --request 'GET /no/such/route' ./demo -- -conf DIR
//
// with DIR's config on free ports and 30s server timeouts, and its paths,
// ports and host name made those of demo.jsonl.
//
//go:embed testdata/requests.jsonl
var requestsJSONL []byte

// RequestEvents returns the events of testdata/requests.jsonl: a whole run
// of the demo with three requests; see requestsJSONL. Each call returns a
// fresh copy.
func RequestEvents() []tracer.Event {
	events, err := ParseEvents(requestsJSONL)
	if err != nil {
		panic(fmt.Sprintf("tracertest: testdata/requests.jsonl: %v", err))
	}
	return events
}

// Package tour holds the built-in tour of kratos-trace: a recording of a
// real run of the demo service, embedded in the binary, so that a learner
// can walk a Kratos boot and shutdown with `kratos-trace tour` without Go,
// without the demo's source and without a debugger.
//
// The recording is made by `go generate ./cmd/kratos-trace/internal/tour`
// (gen/main.go), which traces ./demo under the embedded Delve with the
// demo's own config. TestTourIsCurrent fails when the phase catalog has a
// phase the recording lacks: regenerate it then.
package tour

import (
	_ "embed"
	"fmt"

	"github.com/kratos-trace/kratos-trace/tracer/replay"
)

//go:generate go run ./gen -o demo.jsonl -request "GET /helloworld/kratos"

// demoJSONL is the recording, in the format of `run --record`.
//
//go:embed demo.jsonl
var demoJSONL []byte

// Name is what the recording is called in messages.
const Name = "tour/demo.jsonl"

// Recording returns the tour's recording, read afresh on every call.
func Recording() (*replay.Recording, error) {
	rec, err := replay.Parse(Name, demoJSONL)
	if err != nil {
		return nil, fmt.Errorf("the built-in tour is damaged: %w", err)
	}
	return rec, nil
}

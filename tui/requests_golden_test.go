package tui

import (
	"fmt"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// requestScenarios are points of a trace with three requests
// (tracertest.RequestEvents): at the first request's biz stop, and at the
// second request's reply, a biz error.
var requestScenarios = []scenario{
	{name: "request.biz", until: func(ev tracer.Event) bool {
		return ev.Kind == tracer.KindStop && ev.Phase == tracer.PhaseRequestBiz && ev.Request.ID == 1
	}},
	{name: "request.reply", until: func(ev tracer.Event) bool {
		return ev.Kind == tracer.KindStop && ev.Phase == tracer.PhaseRequestReply && ev.Request.ID == 2
	}},
}

// TestGoldenRequests: the goldens of a trace with requests, each under its
// own header in the timeline; `go test ./tui -update` rewrites them.
func TestGoldenRequests(t *testing.T) {
	events := tracertest.RequestEvents()
	for _, sc := range requestScenarios {
		for _, size := range goldenSizes {
			w, h := size[0], size[1]
			t.Run(fmt.Sprintf("%s/%dx%d", sc.name, w, h), func(t *testing.T) {
				m := modelAt(t, sc, w, h, events)
				golden.RequireEqual(t, screen(t, m, w, h)+"\n")
			})
		}
	}
}

package main

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/pflag"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/delve"
	"github.com/kratos-trace/kratos-trace/tracer/request"
)

// requestFlags are the flags that send requests to the running App.
type requestFlags struct {
	requests     []string
	headers      []string
	layers       []string
	keepTimeouts bool
}

// addRequestFlags adds --request and --header, which run and connect
// share.
func addRequestFlags(f *pflag.FlagSet, rf *requestFlags) {
	f.StringArrayVar(&rf.requests, "request", nil, "with --headless: at app.running send `REQ` to the App and stop at every layer it crosses; REQ is 'METHOD PATH [BODY]' or 'grpc SERVICE/METHOD JSON' (repeatable, sent in order)")
	f.StringArrayVar(&rf.headers, "header", nil, "a header sent with every --request, as `'KEY: VALUE'` (repeatable; gRPC metadata)")
	f.BoolVar(&rf.keepTimeouts, "keep-timeouts", false, "keep the servers' timeouts while requests are followed: by default they are lifted until the App stops, so that a request paused at its layers is not cut off by its deadline")
}

// addLayerFlag adds --layer, for run: the program's source is here.
func addLayerFlag(f *pflag.FlagSet, rf *requestFlags) {
	f.StringArrayVar(&rf.layers, "layer", nil, "another package of a layer a request is followed through, as `LAYER=DIR` relative to the module (service, biz or data; beside internal/service, internal/biz, internal/data of the main's service root), e.g. biz=internal/usecase")
}

// specs parses the --request flags, so that a mistake is reported before
// anything is built.
func (rf requestFlags) specs() ([]tracer.RequestSpec, error) {
	if len(rf.requests) == 0 && len(rf.headers) > 0 {
		return nil, usage("--header goes with --request: it is sent with each request", "")
	}
	var out []tracer.RequestSpec
	for _, r := range rf.requests {
		service, text := request.SplitService(r)
		spec, err := request.Parse(text, rf.headers)
		spec.Service = service
		if err != nil {
			var se *request.SpecError
			if errors.As(err, &se) {
				return nil, usage(fmt.Sprintf("--request %q: %s", r, se.Msg), se.Hint)
			}
			return nil, err
		}
		out = append(out, spec)
	}
	return out, nil
}

// layerDirs parses the --layer flags.
func (rf requestFlags) layerDirs() (map[tracer.PhaseID][]string, error) {
	if len(rf.layers) == 0 {
		return nil, nil
	}
	out := map[tracer.PhaseID][]string{}
	for _, l := range rf.layers {
		name, dir, ok := strings.Cut(l, "=")
		phase, known := delve.LayerNames[strings.TrimSpace(name)]
		if !ok || !known || strings.TrimSpace(dir) == "" {
			var names []string
			for n := range delve.LayerNames {
				names = append(names, n)
			}
			sort.Strings(names)
			return nil, usage(fmt.Sprintf("--layer %q is not LAYER=DIR", l), fmt.Sprintf("LAYER is one of %s and DIR a package directory relative to the module, e.g. --layer biz=internal/usecase", strings.Join(names, ", ")))
		}
		out[phase] = append(out[phase], strings.Trim(strings.TrimSpace(dir), "/"))
	}
	return out, nil
}

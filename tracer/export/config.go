package export

import (
	"github.com/kratos-trace/kratos-trace/tracer"
)

// addConfigArgs adds what config provenance found to a phase slice's args:
// at config.load the sources in merge order, at config.scan every
// Bootstrap leaf with its value and where that came from ("127.0.0.1:8000
// # configs/zz-override.yaml:4 (overrides configs/config.yaml:9)"), so
// that the viewer's details pane answers "why this value?".
func addConfigArgs(ev tracer.Event, args map[string]any) {
	switch ev.Phase {
	case tracer.PhaseConfigLoad:
		if len(ev.ConfigSources) == 0 {
			return
		}
		args["config_sources"] = tracer.SourceSummaries(ev.ConfigSources)
	case tracer.PhaseConfigScan:
		if ev.Bootstrap == nil {
			return
		}
		leaves := map[string]string{}
		ev.Bootstrap.Walk(func(path string, n *tracer.Node) {
			if path == "" || len(n.Children) > 0 {
				return
			}
			v := n.Value
			if chain := tracer.Chain(n.Origin, n.Overrides); chain != "" {
				v += "   # " + chain
			}
			leaves[path] = v
		})
		args["bootstrap"] = leaves
	}
}

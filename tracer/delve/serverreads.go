package delve

import (
	"github.com/go-delve/delve/service/api"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// refreshServers reads the App's servers through the stop's *App, but only
// when what the servers pane shows can differ from the last read: at the
// first stop that can read them (wire.done, or a later one if that failed)
// and at the first after buildInstance, which asks each server for its
// endpoint and so opens its listener. Everything else the pane shows is
// fixed when wire builds the servers (gRPC services are registered by their
// constructors), and their life states come from the server.start and
// server.stop stops themselves. A read costs 5 to 10 ms of Delve calls, so
// reading at every stop of App.Run made those stops several times slower.
func (s *Session) refreshServers(scope api.EvalScope, e planEntry) {
	if opts := e.opts(); opts != "" && (len(s.servers.order) == 0 || s.serversStale) {
		if list, err := readServers(s.client, scope, opts); err == nil {
			s.servers.update(list)
			s.serversStale = false
		}
	}
	if e.Phase == tracer.PhaseBuildInstance {
		// This stop is at buildInstance's entry; it runs next.
		s.serversStale = true
	}
}

package delve

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/go-delve/delve/service/api"
)

// liftedTimeout is a server's timeout that kratos-trace set to zero while it
// follows requests, with the value to put back.
type liftedTimeout struct {
	expr  string
	value int64
}

// liftTimeouts sets the timeout of every Kratos HTTP and gRPC server of the
// App to zero in the stopped program, unless the user keeps them; it runs
// once, as armRequests does.
//
// Kratos gives each request a deadline of the server's timeout (1s in
// kratos-layout) in its transport filter or interceptor, in wall time. A
// request paused at its layers, in the terminal UI or a lesson, outlives
// it and fails with "context deadline exceeded", which is the debugger's
// doing, not the program's. Both transports skip the deadline when the
// timeout is zero, so lifting it lets a request be followed at any pace;
// the values are put back when the App stops (restoreTimeouts), and the
// Servers pane keeps showing them as configured.
func (s *Session) liftTimeouts() {
	if s.cfg.KeepTimeouts {
		return
	}
	scope := api.EvalScope{GoroutineID: -1}
	var lifted []string
	for _, key := range s.servers.order {
		srv := s.servers.byKey[key]
		typeName := strings.TrimPrefix(srv.Type, "*")
		if (srv.Kind != "http" && srv.Kind != "grpc") || !strings.HasPrefix(typeName, KratosModule+"/transport/") {
			continue
		}
		expr := fmt.Sprintf("(*(*%q)(%#x)).timeout", typeName, key)
		v, err := s.client.EvalVariable(scope, expr, shallowLoad)
		if err != nil {
			debugf("timeout of %s: %v", srv.Kind, err)
			continue
		}
		value, ok := rawDuration(v.Value)
		if !ok || value <= 0 {
			continue
		}
		if err := s.client.SetVariable(scope, expr, "0"); err != nil {
			debugf("lift the timeout of %s: %v", srv.Kind, err)
			continue
		}
		s.req.lifted = append(s.req.lifted, liftedTimeout{expr: expr, value: value})
		if s.attaching() {
			// Should kratos-trace die, the attach helper puts it back.
			s.remote.attach.helper.tell("restore %s %d", expr, value)
		}
		lifted = append(lifted, srv.Kind+" "+srv.Timeout)
	}
	if len(lifted) > 0 {
		s.status("requests: the servers' timeouts (%s) are lifted while kratos-trace follows requests, so that a request paused at its layers is not cut off by its deadline; they are put back when the App stops (--keep-timeouts keeps them)", strings.Join(lifted, ", "))
	}
}

// restoreTimeouts puts back the timeouts liftTimeouts set to zero; the
// program must be stopped.
func (s *Session) restoreTimeouts() {
	scope := api.EvalScope{GoroutineID: -1}
	for _, l := range s.req.lifted {
		if err := s.client.SetVariable(scope, l.expr, strconv.FormatInt(l.value, 10)); err != nil {
			debugf("restore %s: %v", l.expr, err)
		}
	}
	if s.attaching() && len(s.req.lifted) > 0 {
		s.remote.attach.helper.tell("restored")
	}
	s.req.lifted = nil
}

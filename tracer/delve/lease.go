package delve

import (
	"fmt"
	"time"

	"github.com/go-delve/delve/service/api"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// registryLease is the lease the App's instance is registered under, from
// app.register to app.deregister: a pause longer than it lets the registry
// drop the instance, which the service's peers see as the instance
// leaving. The run goroutine owns it.
type registryLease struct {
	// ttl is the registrar's lease (etcd's 15s by default); 0 when the App
	// is not registered, or its registrar keeps no lease kratos-trace can
	// read.
	ttl       time.Duration
	registrar string
	instance  string
	// service is the App's name (kratos.Name), which the sentence names:
	// in a system, the service whose pause its peers saw.
	service string
}

// noteRegistration starts or ends the lease watch at app.register and
// app.deregister, from the event as filled by addRegistration.
func (s *Session) noteRegistration(ev *tracer.Event, scope api.EvalScope, e planEntry) {
	switch {
	case ev.Phase == tracer.PhaseDeregister:
		s.registry = registryLease{}
	case ev.Phase == tracer.PhaseRegister && !ev.Skipped && ev.Registrar == "etcd":
		s.registry = registryLease{ttl: s.leaseOf(scope, e.opts()+".registrar"), registrar: ev.Registrar}
		if ev.Instance != nil {
			s.registry.instance, s.registry.service = ev.Instance.ID, ev.Instance.Name
		}
	}
}

// notePause says, when the program resumes after a pause longer than its
// registry lease, that the registry has dropped the instance meanwhile.
func (s *Session) notePause(paused time.Duration) {
	l := s.registry
	if l.ttl <= 0 || paused <= l.ttl {
		return
	}
	s.status("%s", leaseLapsed(paused, l))
}

// leaseLapsed is the sentence notePause says. It names the service, so
// that in a system, where every service's sentences come together, it is
// clear whose instance the peers saw leave. It warns of the next pause:
// contrib/registry/etcd's heartBeat registers the instance again under a
// new lease, then waits for that lease's first keep-alive answer, and
// returns for good when the lease expired first.
func leaseLapsed(paused time.Duration, l registryLease) string {
	who := "the program"
	if l.service != "" {
		who = "the service " + l.service
	}
	instance := "the instance"
	if l.instance != "" {
		instance = "the instance " + l.instance
	}
	return fmt.Sprintf("%s was paused %s, longer than its %s lease (%s): %s dropped %s meanwhile, so its peers' resolvers saw it leave (discovery.update); the registrar's keep-alive finds the lease gone now and registers it again under a new one, unless the program is paused again for longer than that lease before its first keep-alive: Kratos' etcd registrar then gives up, and the instance stays out of the registry until a restart",
		who, paused.Round(100*time.Millisecond), l.registrar, l.ttl, l.registrar, instance)
}

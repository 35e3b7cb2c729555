package tracer

// SystemPlan describes a trace of several services together (tracer/system):
// which services, in the order they start, and the helper processes started
// before them. It is carried by the first event of such a trace, so that a
// consumer knows every service before the first of them reaches a phase.
type SystemPlan struct {
	// File is the system file the trace read; empty when the services were
	// named on the command line.
	File string `json:"file,omitempty"`
	// Services are in start order.
	Services []PlannedService `json:"services"`
	// Processes are the names of the helper processes, in start order.
	Processes []string `json:"processes,omitempty"`
	// Together: every service started at once, not after the ones it
	// comes after.
	Together bool `json:"together,omitempty"`
}

// PlannedService is one service of a system.
type PlannedService struct {
	Name string `json:"name"`
	// Target is the package, the Delve server's address or the attached
	// program's name or pid.
	Target string `json:"target"`
	// After names the services that were at app.running before it started.
	After []string `json:"after,omitempty"`
	// Running says how a service that was running before the trace is
	// reached: "connect" (a Delve server elsewhere) or "attach"; "" for
	// one built and started by the trace.
	Running string `json:"running,omitempty"`
	// Shutdown says what the system's shutdown does to a running service:
	// ShutdownSigterm, ShutdownKill, or "" (it is left running). A service
	// the trace started always gets SIGTERM.
	Shutdown string `json:"shutdown,omitempty"`
}

// What the system's shutdown does to a service that was running before
// the trace (PlannedService.Shutdown).
const (
	// ShutdownSigterm: SIGTERM, and its shutdown is traced (attach's
	// --sigterm).
	ShutdownSigterm = "sigterm"
	// ShutdownKill: it is ended (--kill-on-exit).
	ShutdownKill = "kill_on_exit"
)

// Signalled reports whether the system's shutdown sends the service
// SIGTERM and traces its exit; any other service (left running, or ended
// with kill_on_exit) never exits in the trace.
func (s PlannedService) Signalled() bool {
	return s.Running == "" || s.Shutdown == ShutdownSigterm
}

// ServiceNames are the names of the plan's services, in start order.
func (p *SystemPlan) ServiceNames() []string {
	names := make([]string, len(p.Services))
	for i, s := range p.Services {
		names[i] = s.Name
	}
	return names
}

// StatusLoadedAhead is the status of a system's service that is built and
// loaded under Delve while it waits for the services it comes after: no
// longer building, not yet running.
const StatusLoadedAhead = "loaded ahead under Delve: it runs once the services it comes after are running"

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
	// Target is the package or the Delve server's address.
	Target string `json:"target"`
	// After names the services that were at app.running before it started.
	After []string `json:"after,omitempty"`
}

// ServiceNames are the names of the plan's services, in start order.
func (p *SystemPlan) ServiceNames() []string {
	names := make([]string, len(p.Services))
	for i, s := range p.Services {
		names[i] = s.Name
	}
	return names
}

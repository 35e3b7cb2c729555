package tracer

// OptimisedAway is the value shown for a variable an optimised build keeps
// nowhere at the place it is read: Delve cannot read it, and kratos-trace
// never guesses it.
const OptimisedAway = "<optimised away>"

// AppInfo is what a Kratos App that was already running holds, read when
// kratos-trace attached to it (the attach stop). What could not be read is
// left empty, with the reason in the matching *Note field: a value is never
// guessed.
type AppInfo struct {
	// ID, Name, Version and Metadata are the App's options (kratos.ID,
	// kratos.Name…); Endpoints those of its registered instance.
	ID        string            `json:"id,omitempty"`
	Name      string            `json:"name,omitempty"`
	Version   string            `json:"version,omitempty"`
	Metadata  map[string]string `json:"metadata,omitempty"`
	Endpoints []string          `json:"endpoints,omitempty"`
	// Note says why the App could not be read, e.g. that the program does
	// not link Kratos or that no goroutine is in App.Run.
	Note string `json:"note,omitempty"`
	// Routes are the HTTP routes and gRPC methods the App's servers serve.
	Routes []Route `json:"routes,omitempty"`
	// BootstrapFrom says where the event's Bootstrap was read (e.g. "bc in
	// main.main's frame"), or why there is none.
	BootstrapFrom string `json:"bootstrap_from,omitempty"`
	// Optimized is set when the program was built with optimisations (a
	// plain go build): some values may read as optimised away.
	Optimized bool `json:"optimized,omitempty"`
}

package tracer

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Kind says what an Event reports.
type Kind string

// The kinds of Event, in the order a trace usually produces them.
const (
	// KindSession opens every trace: what is traced and which phases were resolved.
	KindSession Kind = "session"
	// KindStatus reports progress before the program runs, e.g. "building ./demo".
	KindStatus Kind = "status"
	// KindStop: the program is paused at a phase and waits for Continue.
	KindStop Kind = "stop"
	// KindPass: the program went through a phase without pausing, because the
	// phase's break is off or the phase was skipped (see Event.Skipped).
	KindPass Kind = "pass"
	// KindStep: the program is paused after StepOver or StepOut, inside a phase.
	KindStep Kind = "step"
	// KindOutput carries one line the program wrote to stdout or stderr.
	KindOutput Kind = "output"
	// KindExit: the program has exited; it is the last event of a trace.
	KindExit Kind = "exit"
	// KindError reports a failure the trace cannot go past, e.g. a panic in the
	// program at a phase.
	KindError Kind = "error"
	// KindReturn: a function the trace follows returned (a wire provider, a
	// request layer); Results holds what it returned and Took how long it
	// ran. It never pauses: the provider's own stop is the pause (its
	// break is on by default), and pausing again at every return would
	// double the stops of a boot; step out (StepOut) at that stop to pause
	// where it returns.
	KindReturn Kind = "return"
	// KindHalt: the program was halted on request wherever it was (not at
	// a phase); Goroutines lists every goroutine. It waits for Continue.
	KindHalt Kind = "halt"
	// KindStall: no phase was reached for the stall time given; Goroutines
	// lists every goroutine, and the trace ends after it.
	KindStall Kind = "stall"
)

// Event is one thing that happened in a trace. Events are JSON-tagged so that
// a trace can be printed as JSON lines, recorded and replayed.
type Event struct {
	Seq int `json:"seq"`
	// Service names the service of a system trace the event belongs to
	// (tracer/system); empty in the trace of a single service, and on the
	// events of the system itself.
	Service string `json:"service,omitempty"`
	Kind    Kind   `json:"kind"`

	// Phase, Detail and the location are set on stop, pass, step and exit events.
	// Detail tells instances of a phase apart: the provider's name for
	// wire.provider, the server kind and address for server.start/stop.
	Phase     PhaseID `json:"phase,omitempty"`
	Detail    string  `json:"detail,omitempty"`
	File      string  `json:"file"`
	Line      int     `json:"line"`
	Function  string  `json:"function"`
	Goroutine int64   `json:"goroutine,omitempty"`

	// Time is the wall clock at the event; Elapsed counts from the program's
	// launch, SincePrev from the previous phase event.
	Time      time.Time `json:"time"`
	Elapsed   Duration  `json:"elapsed"`
	SincePrev Duration  `json:"since_prev"`

	// Skipped is set on a pass event for a phase that did not happen, e.g.
	// app.register without a registrar; Reason says why.
	Skipped bool   `json:"skipped,omitempty"`
	Reason  string `json:"reason,omitempty"`

	// Bootstrap is the decoded config, known from config.scan on.
	Bootstrap *Node `json:"bootstrap,omitempty"`
	// Servers are the App's servers, known from wire.done on.
	Servers []Server `json:"servers,omitempty"`
	// Stack is the stopped goroutine's stack, innermost frame first.
	Stack []Frame `json:"stack,omitempty"`

	// Args and Locals are the variables of the stopped frame (frame 0), on
	// stop and step events.
	Args   []*Node `json:"args,omitempty"`
	Locals []*Node `json:"locals,omitempty"`
	// Results are the values a function returned, the error included, on a
	// return event; Took is how long it ran, in program time.
	Results []*Node  `json:"results,omitempty"`
	Took    Duration `json:"took,omitempty"`
	// Watches are the watched expressions' values at this stop.
	Watches []WatchValue `json:"watches,omitempty"`
	// Goroutines are every goroutine of the program, on halt and stall
	// events.
	Goroutines []Goroutine `json:"goroutines,omitempty"`

	// ConfigSources are the config sources config.Load merged, in order, on
	// the config.load event and after.
	ConfigSources []ConfigSource `json:"config_sources,omitempty"`
	// Request ties a request phase to the request it belongs to.
	Request *RequestInfo `json:"request,omitempty"`
	// Instance is the ServiceInstance registered or deregistered, and
	// Registrar the registrar's type (e.g. "etcd"), on app.register and
	// app.deregister.
	Instance  *ServiceInstance `json:"instance,omitempty"`
	Registrar string           `json:"registrar,omitempty"`
	// App is what a running App holds, on the attach stop.
	App *AppInfo `json:"app,omitempty"`
	// Discovery is the client and, on discovery.update, the instance list
	// its resolver received, on discovery.dial and discovery.update.
	Discovery *Discovery `json:"discovery,omitempty"`
	// Clients are the clients the program has built so far, with the
	// endpoints each one sees now, as Servers are its servers.
	Clients []Client `json:"clients,omitempty"`
	// Call is the outgoing call of a request.client stop and its return.
	Call *ClientCall `json:"call,omitempty"`
	// Source is the text around File:Line, so a replay needs no source tree.
	Source *Snippet `json:"source,omitempty"`
	// SourceMissing says why Source is empty although File is set: the
	// program was built elsewhere and that file is not available here.
	SourceMissing string `json:"source_missing,omitempty"`

	Output *OutputLine `json:"output,omitempty"`
	Status string      `json:"status,omitempty"`
	// Progress, on a status event during the build, says how far it got.
	Progress *BuildProgress `json:"progress,omitempty"`
	Error    string         `json:"error,omitempty"`
	ExitCode *int           `json:"exit_code,omitempty"`
	// Signal, on an exit event, names the signal that killed the program,
	// e.g. "SIGPIPE"; ExitCode is then minus its number, as Delve reports
	// it. Empty when the program exited by itself.
	Signal  string   `json:"signal,omitempty"`
	Session *Session `json:"session,omitempty"`
	// System, on the first event of a system trace, lists its services
	// and processes.
	System *SystemPlan `json:"system,omitempty"`
}

// IsPhase reports whether the event marks a phase of the lifecycle: a stop,
// a pass or the exit.
func (e Event) IsPhase() bool {
	return e.Kind == KindStop || e.Kind == KindPass || e.Kind == KindExit
}

// Label is the phase with its detail, e.g. "server.start http".
func (e Event) Label() string {
	if e.Detail == "" {
		return string(e.Phase)
	}
	return string(e.Phase) + " " + e.Detail
}

// Location is "file:line", or "" when the event has no location.
func (e Event) Location() string {
	if e.File == "" {
		return ""
	}
	return fmt.Sprintf("%s:%d", e.File, e.Line)
}

// Session describes what a trace runs, sent once as the first event.
type Session struct {
	// Target is the package as the user named it, e.g. "./demo".
	Target string `json:"target"`
	// Package is the main package's import path and Dir its directory.
	Package string `json:"package,omitempty"`
	Dir     string `json:"dir,omitempty"`
	// Args are the program's arguments and WorkingDir where it runs.
	Args          []string `json:"args,omitempty"`
	WorkingDir    string   `json:"working_dir,omitempty"`
	KratosVersion string   `json:"kratos_version,omitempty"`
	GoVersion     string   `json:"go_version,omitempty"`
	// Plan lists every phase breakpoint that was resolved, or could not be.
	Plan []PlannedPhase `json:"plan,omitempty"`
}

// PlannedPhase is one phase the trace will watch for, and where.
type PlannedPhase struct {
	Phase    PhaseID `json:"phase"`
	Detail   string  `json:"detail,omitempty"`
	Function string  `json:"function,omitempty"`
	File     string  `json:"file,omitempty"`
	Line     int     `json:"line,omitempty"`
	// Unavailable says why the phase cannot be traced in this target; empty
	// when it can.
	Unavailable string `json:"unavailable,omitempty"`
}

// OutputLine is one line of the program's own output, or a piece of one:
// a very long line arrives in several events, every one but the last with
// Continued set, and their Texts joined are the line.
type OutputLine struct {
	Stream string `json:"stream"` // "stdout" or "stderr"
	Text   string `json:"text"`
	// Continued: the line goes on in the next output event of this stream.
	Continued bool `json:"continued,omitempty"`
}

// Frame is one frame of a goroutine's stack.
type Frame struct {
	Function string `json:"function"`
	File     string `json:"file"`
	Line     int    `json:"line"`
}

// Snippet is a window of source lines; Lines[0] is line First of the file.
type Snippet struct {
	First int      `json:"first"`
	Lines []string `json:"lines"`
}

// Server is one of the App's transport servers, as read from the running program.
type Server struct {
	// Kind is "http", "grpc" or, for other transports, the Go type's name.
	Kind    string `json:"kind"`
	Type    string `json:"type"`
	Network string `json:"network,omitempty"`
	Address string `json:"address,omitempty"`
	// AddressFrom is "listener" when Address is the address of the
	// listener the server was built on (http.Listener, grpc.Listener, a
	// cmux listener) or opened on port 0, not the configured one (":0").
	AddressFrom string `json:"addressFrom,omitempty"`
	Timeout     string `json:"timeout,omitempty"`
	Endpoint    string `json:"endpoint,omitempty"`
	// State is one of the ServerState values.
	State ServerState `json:"state,omitempty"`
	// Services are the registered gRPC services or HTTP routes, where readable.
	Services []string `json:"services,omitempty"`
}

// ServerState is where a server is in its life.
type ServerState string

// The states of a server.
const (
	ServerCreated   ServerState = "created"
	ServerStarting  ServerState = "starting"
	ServerListening ServerState = "listening"
	ServerStopped   ServerState = "stopped"
)

// AddressFromListener is a Server's AddressFrom when its address was read
// from the listener it serves on.
const AddressFromListener = "listener"

// ShownAddress is the server's address as the views show it: with
// "(listener)" when it was read from the server's listener.
func (s Server) ShownAddress() string {
	if s.AddressFrom == AddressFromListener && s.Address != "" {
		return s.Address + " (listener)"
	}
	return s.Address
}

// Duration is a time.Duration that reads and writes JSON as a Go duration
// string such as "1.5ms", so traces stay readable.
type Duration time.Duration

// String formats d like time.Duration, rounded to microseconds.
func (d Duration) String() string {
	return time.Duration(d).Round(time.Microsecond).String()
}

// MarshalJSON writes d as a duration string.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(d.String())
}

// UnmarshalJSON reads a duration string, or a number of nanoseconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] != '"' {
		var n int64
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("duration: %w", err)
		}
		*d = Duration(n)
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("duration %q: %w", s, err)
	}
	*d = Duration(v)
	return nil
}

// Package tracer is the domain of kratos-trace: the lifecycle phases of a Kratos
// service, the events a trace produces and the Source those events come from.
//
// Everything that shows a trace (the TUI, the headless printer, a recorder) reads
// Events from a Source and never knows whether they come from a live debugger or
// from a recording.
package tracer

// PhaseID is the stable identifier of a lifecycle phase, such as "config.scan".
// IDs are part of the recording and JSON formats: never rename one.
type PhaseID string

// The phases of a Kratos boot and shutdown, in boot order.
const (
	PhaseMain          PhaseID = "main"
	PhaseFlagParse     PhaseID = "flag.parse"
	PhaseConfigLoad    PhaseID = "config.load"
	PhaseConfigScan    PhaseID = "config.scan"
	PhaseWire          PhaseID = "wire"
	PhaseWireProvider  PhaseID = "wire.provider"
	PhaseWireDone      PhaseID = "wire.done"
	PhaseAppRun        PhaseID = "app.run"
	PhaseBuildInstance PhaseID = "app.build-instance"
	PhaseBeforeStart   PhaseID = "app.before-start"
	PhaseServerStart   PhaseID = "server.start"
	PhaseRegister      PhaseID = "app.register"
	PhaseAfterStart    PhaseID = "app.after-start"
	PhaseRunning       PhaseID = "app.running"
	// PhaseAttach is the one stop of a trace that attached to a program
	// already running (kratos-trace attach): what its App holds, read in
	// place, in lieu of the boot it did not see.
	PhaseAttach     PhaseID = "attach"
	PhaseStop       PhaseID = "app.stop"
	PhaseServerStop PhaseID = "server.stop"
	PhaseAfterStop  PhaseID = "app.after-stop"
	PhaseExit       PhaseID = "exit"

	// PhaseAppNew is where kratos.New returns; PhaseBeforeStop and
	// PhaseDeregister are the BeforeStop hooks and registrar.Deregister in
	// App.Stop.
	PhaseAppNew     PhaseID = "app.new"
	PhaseBeforeStop PhaseID = "app.before-stop"
	PhaseDeregister PhaseID = "app.deregister"

	// PhaseBreak is a stop at a breakpoint of the user's own; its Detail is
	// the location as the user gave it.
	PhaseBreak PhaseID = "break"

	// The phases of a request that kratos-trace sends to the running App;
	// their events carry Event.Request.
	PhaseRequestTransport  PhaseID = "request.transport"
	PhaseRequestMiddleware PhaseID = "request.middleware"
	PhaseRequestService    PhaseID = "request.service"
	PhaseRequestBiz        PhaseID = "request.biz"
	PhaseRequestData       PhaseID = "request.data"
	PhaseRequestReply      PhaseID = "request.reply"

	// The client side of a request: an outgoing call the program makes
	// while a request is followed, and the middleware of that call's
	// client (never the server's request.middleware).
	PhaseRequestClient           PhaseID = "request.client"
	PhaseRequestClientMiddleware PhaseID = "request.client-middleware"

	// The client side of service discovery: a client built for a
	// discovery:/// target, and each instance list its resolver receives.
	PhaseDiscoveryDial   PhaseID = "discovery.dial"
	PhaseDiscoveryUpdate PhaseID = "discovery.update"
)

// Group names the part of the program a phase belongs to; the TUI timeline is
// grouped by it.
type Group string

// The groups, in the order a boot passes through them.
const (
	GroupMain     Group = "main"
	GroupConfig   Group = "config"
	GroupWire     Group = "wire"
	GroupRun      Group = "run"
	GroupShutdown Group = "shutdown"
	// GroupRequest holds the phases of requests sent to the running App.
	GroupRequest Group = "request"
	// GroupBreak holds the stops at the user's own breakpoints, which can
	// come in any part of the program: a timeline shows them in time order
	// among the others.
	GroupBreak Group = "break"
)

// PhaseInfo describes a phase for people: where it belongs and what happens there.
type PhaseInfo struct {
	ID    PhaseID
	Group Group
	// Title is a few words, e.g. "config.Scan into Bootstrap".
	Title string
	// Summary is one sentence on what the code does at this point.
	Summary string
	// PerInstance is true for phases that occur once per provider or server.
	PerInstance bool
}

// Phases is the catalog of every phase a trace can report, in boot order.
var Phases = []PhaseInfo{
	{PhaseMain, GroupMain, "main.main", "The program's main function starts; kratos-trace stops here only in programs that are not Kratos apps.", false},
	{PhaseFlagParse, GroupMain, "flag.Parse", "main parses its command-line flags, among them -conf, the config directory.", false},
	{PhaseConfigLoad, GroupConfig, "config.Load", "The config sources (files under -conf) are read and merged into one key/value tree.", false},
	{PhaseConfigScan, GroupConfig, "config.Scan into Bootstrap", "The merged config is decoded into the Bootstrap struct generated from conf.proto.", false},
	{PhaseWire, GroupWire, "wireApp", "main calls the injector that google/wire generated in wire_gen.go to build the App.", false},
	{PhaseWireProvider, GroupWire, "provider", "wireApp calls one provider: data, repo, usecase, service, then the servers and newApp.", true},
	{PhaseDiscoveryDial, GroupWire, "client dial", "A provider builds a Kratos client for another service; a discovery:///NAME target gets a resolver that watches NAME in the registry.", true},
	{PhaseAppNew, GroupWire, "kratos.New returns", "kratos.New has applied its options: the App knows its id, name, servers, hooks and registrar; nothing runs yet.", false},
	{PhaseWireDone, GroupWire, "wireApp returns", "The App is built: it holds the servers and the cleanup function, nothing listens yet.", false},
	{PhaseAppRun, GroupRun, "App.Run", "main calls app.Run, which starts everything and blocks until a signal arrives.", false},
	{PhaseBuildInstance, GroupRun, "buildInstance", "Run collects every server's endpoint into the registry ServiceInstance.", false},
	{PhaseBeforeStart, GroupRun, "BeforeStart hooks", "The BeforeStart hooks run in order; an error here aborts Run.", false},
	{PhaseServerStart, GroupRun, "server Start", "Each server's Start runs in its own goroutine, while a twin goroutine waits on ctx.Done to stop it.", true},
	{PhaseRegister, GroupRun, "registrar.Register", "With a registrar, the instance is registered with service discovery.", false},
	{PhaseDiscoveryUpdate, GroupRun, "resolver update", "A client's resolver receives the service's instance list from the registry; Kratos refuses an empty one and keeps the endpoints it had.", true},
	{PhaseAfterStart, GroupRun, "AfterStart hooks", "The AfterStart hooks run once every server's Start has begun.", false},
	{PhaseRunning, GroupRun, "running", "All servers are serving; Run waits for SIGTERM, SIGQUIT or SIGINT.", false},
	{PhaseAttach, GroupRun, "attached", "kratos-trace attached to the program while it was already running: its App, servers, instance and routes are read in place, then it runs on.", false},
	// A request's phases come while the App runs, after app.running and
	// before a signal; several requests each have their own.
	{PhaseRequestTransport, GroupRequest, "transport entry", "A request kratos-trace sent reaches kratos' transport: the HTTP server's filter or the gRPC unary interceptor builds its Transport.", true},
	{PhaseRequestMiddleware, GroupRequest, "middleware", "One middleware of the server's chain runs (recovery, logging, tracing, validate, metadata, ratelimit…), around everything after it.", true},
	{PhaseRequestService, GroupRequest, "service method", "The service method, in the program's service layer, is called with the decoded request message.", true},
	{PhaseRequestBiz, GroupRequest, "biz call", "The service calls into the biz layer: the use case, pure business logic.", true},
	{PhaseRequestData, GroupRequest, "data call", "The biz layer calls into the data layer: a repo that talks to the database or a cache.", true},
	{PhaseRequestClient, GroupRequest, "outgoing call", "The request's code calls another service through a Kratos client: the selector picks an endpoint, the client's middleware runs, the reply comes back.", true},
	{PhaseRequestClientMiddleware, GroupRequest, "client middleware", "One middleware of the outgoing call's client runs (recovery, logging, tracing, metadata…), around the call; it is the client's chain, not the server's.", true},
	{PhaseRequestReply, GroupRequest, "reply", "The reply is back at the client: the HTTP status, headers and body, or the gRPC status and message.", true},
	{PhaseStop, GroupShutdown, "App.Stop", "A signal arrived: Stop runs the BeforeStop hooks, deregisters and cancels the App's context.", false},
	{PhaseBeforeStop, GroupShutdown, "BeforeStop hooks", "Stop runs the BeforeStop hooks in order, while the servers still serve and the instance is still registered.", false},
	{PhaseDeregister, GroupShutdown, "registrar.Deregister", "With a registrar, Stop removes the instance from service discovery before any server stops.", false},
	{PhaseServerStop, GroupShutdown, "server Stop", "The cancelled context wakes each server's stop goroutine, which calls Stop (with a deadline only when kratos.StopTimeout is set).", true},
	{PhaseAfterStop, GroupShutdown, "AfterStop hooks", "Every server has stopped; the AfterStop hooks run and Run returns.", false},
	{PhaseExit, GroupShutdown, "exit", "main returns and the process exits.", false},
	// A breakpoint of the user's own is last in the catalog, so that the
	// lifecycle's order stays as it is: its stops come in time order, and
	// at one place it comes after the phase that stops there too.
	{PhaseBreak, GroupBreak, "your breakpoint", "The program reached a breakpoint you set (--break, or in the Source pane).", true},
}

// IsServing reports whether a stop at id is one where the App serves and
// waits for a signal: app.running, or the stop of a trace that attached to
// a running program. Requests are sent from there.
func IsServing(id PhaseID) bool { return id == PhaseRunning || id == PhaseAttach }

// Info returns the catalog entry for id and whether it exists.
func Info(id PhaseID) (PhaseInfo, bool) {
	for _, p := range Phases {
		if p.ID == id {
			return p, true
		}
	}
	return PhaseInfo{}, false
}

// Order returns the position of id in boot order, or -1 for an unknown phase.
func Order(id PhaseID) int {
	for i, p := range Phases {
		if p.ID == id {
			return i
		}
	}
	return -1
}

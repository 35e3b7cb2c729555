// Package delve is the live tracer.Source: it builds a Kratos program without
// optimisations, runs it under an embedded Delve debugger (as a library, over an
// in-memory pipe) and turns breakpoint stops into lifecycle events.
//
// It is the only package of kratos-trace that imports Delve. It reads and
// drives the program; what the values mean (provenance, diffs, request
// layers) is decided by the small domain packages beside it.
//
// # A map of the package
//
// The session, from start to end:
//
//	session.go       Config, Session and its Source methods; the run goroutine, emit, Close, teardown
//	launch.go        the build (internal/gobuild), the launch under Delve, arming the plan's breakpoints
//	stops.go         resume and step: a Delve stop becomes a phase, step, fatal or exit event
//	cleanup.go       the link to the watchdog (internal/watchdog) and how it ends a remote program
//	usererror.go     UserError, the failure a person can act on
//	runclock.go      the time the program ran, pauses left out
//	stopclock.go     the time from a halt to its event (KRATOS_TRACE_DEBUG)
//
// Where to stop:
//
//	plan.go          the phase plan: every lifecycle breakpoint, found by the shape of Kratos' code
//	breakpoints.go   several meanings at one address; the user's own breakpoints
//	returns.go       a provider's results at its return
//	remoteplan.go    the plan for a program behind a Delve server (connect): its source, fetched here
//	remote.go        a remote session: dial, attach, detach or kill
//	pathmap.go       source paths between the program's machine and this one
//
// What is read at a stop:
//
//	nodes.go         the one converter from Delve values to tracer.Node trees
//	values.go        the App's servers, the source around a line
//	serverreads.go   when the servers are read again
//	configsources.go the config sources at config.load, for provenance
//	registration.go  the registrar and the ServiceInstance
//	watchfast.go     watches evaluated cheaply at every stop
//	inspect.go       tracer.Inspector: frames, variables, Eval, watches, breakpoints
//	halt.go          a halt anywhere: goroutines; stall.go, the stall watchdog
//
// Requests (tracer.Requester):
//
//	requests.go      sending a request at app.running and following it
//	requestplan.go   the functions a request is followed through, by layer
//	requestvalues.go a request function's arguments and results
//	requesttimeouts.go the servers' timeouts lifted while a request is followed
//	routes.go        the App's routes and gRPC methods, for the picker
//
// The program's process and output: output*.go, outputreader.go,
// process_*.go, ptrace.go.
//
// Apart, in internal packages: gobuild (the debug build, its cache and the
// warm index), watchdog (the process that cleans up after a killed
// kratos-trace) and debuglog (KRATOS_TRACE_DEBUG).
package delve

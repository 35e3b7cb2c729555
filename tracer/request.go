package tracer

import (
	"context"
	"errors"
	"strconv"
)

// RequestInfo ties an event to one request that kratos-trace sent to the
// running App: every request phase carries it, so that several requests
// stay apart.
type RequestInfo struct {
	// ID numbers the requests of a trace from 1.
	ID int `json:"id"`
	// Transport is "http" or "grpc".
	Transport string `json:"transport"`
	// Method and Path: "GET" and "/helloworld/kratos" for HTTP; for gRPC,
	// Path is "helloworld.v1.Greeter/SayHello" and Method is empty.
	Method string `json:"method,omitempty"`
	Path   string `json:"path"`
	// Header are the request headers kratos-trace sent, as "Key: value"
	// (gRPC: the metadata), and Body the request body (gRPC: the message
	// as JSON).
	Header []string `json:"header,omitempty"`
	Body   string   `json:"body,omitempty"`
	// Reply is set on the request.reply event: what came back.
	Reply *Reply `json:"reply,omitempty"`
	// Hop is set in the service a request was followed into from another
	// service's call: the caller's request id, and how it got here.
	Hop *Hop `json:"hop,omitempty"`
}

// Label names the request for people: "#1 GET /helloworld/kratos" or
// "#2 grpc helloworld.v1.Greeter/SayHello".
func (r *RequestInfo) Label() string {
	if r == nil {
		return ""
	}
	what := r.Method + " " + r.Path
	if r.Transport == "grpc" {
		what = "grpc " + r.Path
	}
	return "#" + strconv.Itoa(r.ID) + " " + what
}

// Reply is what a request got back, as the client saw it.
type Reply struct {
	// Code is the HTTP status code, or the gRPC status code's number (0 OK,
	// 3 InvalidArgument…); Status says it in words: "200 OK",
	// "InvalidArgument".
	Code   int    `json:"code"`
	Status string `json:"status"`
	// OK is true for a 2xx HTTP status and a gRPC OK.
	OK bool `json:"ok"`
	// Header are the reply headers, as "Key: value" (gRPC: the header and
	// trailer metadata), sorted.
	Header []string `json:"header,omitempty"`
	// Body is the HTTP body, or the gRPC reply message as JSON; Message is
	// the gRPC status message of an error.
	Body    string `json:"body,omitempty"`
	Message string `json:"message,omitempty"`
	// Error says why there is no reply at all (the connection was refused,
	// the method is unknown to reflection…).
	Error string `json:"error,omitempty"`
	// Latency is the wall time from sending to the reply at the client,
	// pauses at the stops on the way included; ServerTime is the program's
	// own time handling it (its running time, pauses excluded), where
	// kratos' transport entry was reached.
	Latency    Duration `json:"latency"`
	ServerTime Duration `json:"server_time,omitempty"`
	// FailedAt names the layer where a failed request failed: the innermost
	// request phase that returned an error, or, when none did, the last one
	// the request reached ("request.transport" for a route no handler
	// serves, where the router answered before kratos' transport ran).
	// FailedDetail is that stop's detail.
	FailedAt     PhaseID `json:"failed_at,omitempty"`
	FailedDetail string  `json:"failed_detail,omitempty"`
	// FailedWhy says in a few words how the layer failed: the error it
	// returned, or "no route matched".
	FailedWhy string `json:"failed_why,omitempty"`
}

// RequestSpec is a request to send, as the user wrote it.
type RequestSpec struct {
	// Transport is "http" or "grpc".
	Transport string `json:"transport"`
	// Method is the HTTP method; empty for gRPC.
	Method string `json:"method,omitempty"`
	// Path is the HTTP path with its query, or the gRPC method as
	// "package.Service/Method".
	Path string `json:"path"`
	// Body is the HTTP body (usually JSON), or the gRPC request message as
	// JSON.
	Body string `json:"body,omitempty"`
	// Header are extra headers ("Key: value"); gRPC sends them as metadata.
	Header []string `json:"header,omitempty"`
	// Service is the service of a system the request is for; empty: the
	// first that serves it.
	Service string `json:"service,omitempty"`
}

// String writes the spec back as the user would type it:
// `GET /helloworld/kratos` or `grpc helloworld.v1.Greeter/SayHello {"name":"x"}`.
func (s RequestSpec) String() string {
	out := s.Method + " " + s.Path
	if s.Transport == "grpc" {
		out = "grpc " + s.Path
	}
	if s.Body != "" {
		out += " " + s.Body
	}
	return out
}

// Route is one thing the running App serves, read from the program: an HTTP
// route of its HTTP server's router, or a method of a service registered
// on its gRPC server. Example is a request for it with example values,
// ready to edit and send.
type Route struct {
	Transport string `json:"transport"`
	// Method is the HTTP method; Path the route's path template
	// ("/helloworld/{name}") or the gRPC method
	// ("helloworld.v1.Greeter/SayHello").
	Method  string      `json:"method,omitempty"`
	Path    string      `json:"path"`
	Example RequestSpec `json:"example"`
	// Note says what could not be had for the example, e.g. that the gRPC
	// server has reflection off, so its message fields are unknown.
	Note string `json:"note,omitempty"`
}

// Requester is implemented by a Source that can send a request to the
// running App and follow it through the program: a live Delve session. A
// consumer checks for it with a type assertion, as for Rewinder; a replay
// is not one (its requests are already in the recording).
//
// The phases of a request arrive as events carrying Event.Request: a stop
// at request.transport, one per middleware, the service method, each call
// into the biz and data layers (each with a return event when it returns),
// and request.reply once the client has the reply. Continue goes on from
// each stop; after request.reply the program is paused again, and another
// request can be sent.
type Requester interface {
	// Routes lists the HTTP routes and gRPC methods the App serves, read
	// from the program, each with an example request. It needs a paused
	// program that has reached app.running. What could not be read is an
	// error returned with the routes that could: a system's joins a
	// *ServiceRoutesError for each service whose routes it could not read.
	Routes(ctx context.Context) ([]Route, error)
	// Send sends spec to the App and lets the program run to the request's
	// first stop. It needs a paused program that has reached app.running;
	// the returned RequestInfo is the one its events carry.
	Send(ctx context.Context, spec RequestSpec) (RequestInfo, error)
}

// ServiceRoutesError says why the routes of one service of a system could
// not be read.
type ServiceRoutesError struct {
	Service string
	Err     error
}

func (e *ServiceRoutesError) Error() string { return e.Service + ": " + e.Err.Error() }

// Unwrap returns why.
func (e *ServiceRoutesError) Unwrap() error { return e.Err }

// ServiceRoutesErrors returns the *ServiceRoutesError of each service that
// err, a system's Routes error, names, in order.
func ServiceRoutesErrors(err error) []*ServiceRoutesError {
	var out []*ServiceRoutesError
	var walk func(error)
	walk = func(err error) {
		switch e := err.(type) {
		case *ServiceRoutesError:
			out = append(out, e)
		case interface{ Unwrap() []error }:
			for _, x := range e.Unwrap() {
				walk(x)
			}
		}
	}
	walk(err)
	return out
}

// ErrNotServing is returned by a Requester before the App has reached
// app.running or once it is shutting down: there is nothing to send to.
var ErrNotServing = errors.New("the App is not serving: requests can be sent from app.running until SIGTERM")

// IsRequestPhase reports whether id is one of the phases of a request.
func IsRequestPhase(id PhaseID) bool {
	info, ok := Info(id)
	return ok && info.Group == GroupRequest
}

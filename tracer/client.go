package tracer

import (
	"slices"
	"strings"
)

// Client is a client Kratos built in the program to call another service
// (transport/grpc's Dial or transport/http's NewClient), as read from the
// program: its target, the registry it resolves the target through, and
// the endpoints its resolver last gave it.
type Client struct {
	// Transport is "grpc" or "http".
	Transport string `json:"transport"`
	// Target is the endpoint the client was built for:
	// "discovery:///inventory", or a direct "127.0.0.1:9000".
	Target string `json:"target"`
	// Registry names the registry's type ("etcd", "consul"…), "" for a
	// client without discovery.
	Registry string `json:"registry,omitempty"`
	// Timeout is the client's per-call timeout, e.g. "2s".
	Timeout string `json:"timeout,omitempty"`
	// Endpoints are the endpoints the client calls now: those of the last
	// instance list its resolver accepted (a refused list leaves them).
	Endpoints []string `json:"endpoints,omitempty"`
	// Refused is Kratos' reason when the last list the resolver received
	// was refused, "" when it was accepted.
	Refused string `json:"refused,omitempty"`
}

// Label names the client: "grpc discovery:///inventory".
func (c Client) Label() string { return c.Transport + " " + c.Target }

// Discovery is what a discovery phase saw: the client built, at
// discovery.dial; at discovery.update also the instance list the client's
// resolver received, and whether Kratos refused it.
type Discovery struct {
	Client Client `json:"client"`
	// Instances is the list received, at discovery.update; it can be empty
	// (the last instance left).
	Instances []ServiceInstance `json:"instances,omitempty"`
	// Refused is Kratos' reason for refusing the list ("Zero endpoint
	// found, refused to write"): the client keeps the endpoints it had.
	Refused string `json:"refused,omitempty"`
}

// ClientCall is an outgoing call the program made while kratos-trace
// followed a request, on request.client: what was called, through which
// client, where it went and with which metadata. The return event carries
// the reply (Event.Results) and Event.Took.
type ClientCall struct {
	// Transport is "grpc" or "http".
	Transport string `json:"transport"`
	// Operation is the gRPC method ("/inventory.v1.Inventory/GetStock") or
	// the HTTP method and path ("GET /v1/stock").
	Operation string `json:"operation"`
	// Target is the client's target, e.g. "discovery:///inventory".
	Target string `json:"target"`
	// Endpoint is the endpoint the selector picked for this call, known at
	// its return; "" when none was picked (no instance).
	Endpoint string `json:"endpoint,omitempty"`
	// Metadata are the headers or gRPC metadata sent, as "key: value",
	// sorted, with credentials masked.
	Metadata []string `json:"metadata,omitempty"`
	// Error is the error the call returned, "" for none.
	Error string `json:"error,omitempty"`
	// TimeoutLifted is the client's timeout that kratos-trace lifted for
	// this call, as the servers' are while it follows a request; "" when
	// none was.
	TimeoutLifted string `json:"timeout_lifted,omitempty"`
	// Hop is where the call went in a system: the service it was followed
	// into, and how.
	Hop *Hop `json:"hop,omitempty"`
}

// IsClientSide reports whether id is a phase of the program's clients:
// discovery.dial and discovery.update, request.client and its middleware.
// They come only in programs that call other services through Kratos'
// clients, as a request's phases come only when a request is sent.
func IsClientSide(id PhaseID) bool {
	switch id {
	case PhaseDiscoveryDial, PhaseDiscoveryUpdate, PhaseRequestClient, PhaseRequestClientMiddleware:
		return true
	}
	return false
}

// NotInEveryBoot reports whether a boot of a Kratos service that
// kratos-trace launched may lack phase id: main (for programs that are not
// Kratos apps), break (the user's own breakpoints), the client side's
// (IsClientSide) and attach (only a trace that attached to a running
// program has it). A recording of the demo's boot, the tour's, has every
// other phase.
func NotInEveryBoot(id PhaseID) bool {
	return id == PhaseMain || id == PhaseBreak || id == PhaseAttach || IsClientSide(id)
}

// InstanceChanges compares the instance list a client's resolver received
// with the list it received before: the instances that left the registry
// meanwhile and those that joined it, each by id, sorted. An instance
// without an id is known by its endpoints.
func InstanceChanges(prev, cur []ServiceInstance) (left, joined []string) {
	before, now := instanceKeys(prev), instanceKeys(cur)
	for k := range before {
		if !now[k] {
			left = append(left, k)
		}
	}
	for k := range now {
		if !before[k] {
			joined = append(joined, k)
		}
	}
	slices.Sort(left)
	slices.Sort(joined)
	return left, joined
}

// instanceKeys is the set of the instances' ids.
func instanceKeys(list []ServiceInstance) map[string]bool {
	keys := make(map[string]bool, len(list))
	for _, in := range list {
		k := in.ID
		if k == "" {
			k = strings.Join(in.Endpoints, " ")
		}
		keys[k] = true
	}
	return keys
}

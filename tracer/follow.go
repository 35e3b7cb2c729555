package tracer

// Hop is how a request of a system crossed from one service into another:
// the caller's outgoing call (request.client) went to the callee, whose
// layers then follow under the caller's request id. The callee's events
// carry it on their RequestInfo, the caller's request.client on its
// ClientCall.
type Hop struct {
	// From and To are the calling and the called service.
	From string `json:"from"`
	To   string `json:"to"`
	// Call is the outgoing call as its request.client shows it:
	// "grpc /inventory.v1.Inventory/GetStock", "http GET /v1/stock/ipa".
	Call string `json:"call"`
	// By says how the callee's request was tied to the caller's:
	// CorrelateTrace or CorrelateCall, decided when the call reached the
	// callee's transport; empty on the caller's request.client entry
	// (not decided yet), and when it was not followed (Note says why).
	By string `json:"by,omitempty"`
	// TraceID is the trace id of the W3C traceparent kratos-trace sent
	// with the caller's request; with By CorrelateTrace the callee
	// received it, carried on by Kratos' tracing middleware.
	TraceID string `json:"trace_id,omitempty"`
	// Note says why the callee was not followed.
	Note string `json:"note,omitempty"`
}

// How a Hop was correlated.
const (
	// CorrelateTrace: the callee's request arrived with the trace id of
	// the caller's request (the services use Kratos' tracing middleware).
	CorrelateTrace = "trace"
	// CorrelateCall: it arrived without that trace id; it is the one
	// outgoing call in flight to that service.
	CorrelateCall = "call"
)

// CallHook is told of a followed request's outgoing call (request.client)
// at its entry, before the call goes out, and at its return (returned).
// At the entry it returns the Hop the call takes into another service, or
// nil when the call leaves the trace; at the return, the Hop as the callee
// settled it.
type CallHook func(info RequestInfo, call ClientCall, returned bool) *Hop

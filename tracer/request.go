package tracer

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
}

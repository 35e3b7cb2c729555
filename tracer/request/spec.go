// Package request sends requests to a running Kratos App from outside, as
// any client would, and makes sense of what comes back: it parses the
// requests a user writes (`GET /helloworld/kratos`, `grpc
// helloworld.v1.Greeter/SayHello {"name":"x"}`), sends HTTP to the App's
// HTTP server and gRPC through the server's reflection service (the
// message is built from JSON with the descriptors the server itself
// reports), gives example requests for the routes a program serves, and
// names the layer where a failed request failed.
//
// It knows nothing of Delve: the live session (tracer/delve) reads the
// addresses and routes from the program and lets it run while a request
// from this package is in flight.
package request

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// SpecError is a request the user wrote that cannot be sent: one sentence
// and a hint.
type SpecError struct {
	Msg  string
	Hint string
}

func (e *SpecError) Error() string { return e.Msg }

// specHint shows both forms a request takes.
const specHint = `write METHOD PATH [BODY] for HTTP, e.g. 'GET /helloworld/kratos', or grpc SERVICE/METHOD JSON, e.g. 'grpc helloworld.v1.Greeter/SayHello {"name":"x"}'`

// methods are the HTTP methods a request may use.
var methods = map[string]bool{
	http.MethodGet: true, http.MethodHead: true, http.MethodPost: true, http.MethodPut: true,
	http.MethodPatch: true, http.MethodDelete: true, http.MethodOptions: true,
}

// Parse reads a request as the user wrote it: `METHOD PATH [BODY]` for
// HTTP or `grpc SERVICE/METHOD [JSON]` for gRPC, the body or message being
// the rest of the line. header are "Key: value" lines sent with it.
func Parse(s string, header []string) (tracer.RequestSpec, error) {
	s = strings.TrimSpace(s)
	first, rest, _ := strings.Cut(s, " ")
	rest = strings.TrimSpace(rest)
	path, body, _ := strings.Cut(rest, " ")
	body = strings.TrimSpace(body)
	var spec tracer.RequestSpec
	switch {
	case s == "":
		return spec, &SpecError{Msg: "the request is empty", Hint: specHint}
	case strings.EqualFold(first, "grpc"):
		spec = tracer.RequestSpec{Transport: "grpc", Path: strings.TrimPrefix(path, "/"), Body: body}
		if spec.Body == "" {
			spec.Body = "{}"
		}
		if err := checkGRPCMethod(spec.Path); err != nil {
			return spec, err
		}
		if !json.Valid([]byte(spec.Body)) || !strings.HasPrefix(spec.Body, "{") {
			return spec, &SpecError{Msg: fmt.Sprintf("the message of %s is not a JSON object: %s", spec.Path, spec.Body), Hint: `give the request message as JSON with the proto's field names, e.g. {"name":"x"}`}
		}
	default:
		method := strings.ToUpper(first)
		if !methods[method] {
			return spec, &SpecError{Msg: fmt.Sprintf("%q is neither an HTTP method nor grpc", first), Hint: specHint}
		}
		if path == "" {
			return spec, &SpecError{Msg: fmt.Sprintf("the %s request has no path", method), Hint: specHint}
		}
		if !strings.HasPrefix(path, "/") {
			return spec, &SpecError{Msg: fmt.Sprintf("the path %q does not start with /", path), Hint: "give the path as the App's router sees it, e.g. /helloworld/kratos"}
		}
		spec = tracer.RequestSpec{Transport: "http", Method: method, Path: path, Body: body}
	}
	for _, h := range header {
		k, v, ok := strings.Cut(h, ":")
		if !ok || strings.TrimSpace(k) == "" || strings.ContainsAny(strings.TrimSpace(k), " \t") {
			return spec, &SpecError{Msg: fmt.Sprintf("the header %q is not Key: value", h), Hint: "write a header as 'Authorization: Bearer x'"}
		}
		spec.Header = append(spec.Header, strings.TrimSpace(k)+": "+strings.TrimSpace(v))
	}
	return spec, nil
}

// checkGRPCMethod checks a gRPC method is package.Service/Method.
func checkGRPCMethod(m string) error {
	svc, method, ok := strings.Cut(m, "/")
	if m == "" {
		return &SpecError{Msg: "the gRPC request names no method", Hint: specHint}
	}
	if !ok || svc == "" || method == "" || strings.Contains(method, "/") {
		return &SpecError{Msg: fmt.Sprintf("%q is not a gRPC method", m), Hint: "name it as package.Service/Method, e.g. helloworld.v1.Greeter/SayHello"}
	}
	return nil
}

// Info is the RequestInfo of the id-th request sent for spec.
func Info(id int, spec tracer.RequestSpec) tracer.RequestInfo {
	return tracer.RequestInfo{
		ID:        id,
		Transport: spec.Transport,
		Method:    spec.Method,
		Path:      spec.Path,
		Header:    append([]string(nil), spec.Header...),
		Body:      spec.Body,
	}
}

// SplitService cuts the service off a request of a system, as in
// 'gateway: GET /hello/kratos'; a request without one is returned whole.
func SplitService(r string) (service, rest string) {
	name, text, ok := strings.Cut(r, ":")
	if !ok || name == "" || strings.ContainsAny(name, " /{\"") || !strings.HasPrefix(text, " ") {
		return "", r
	}
	return name, strings.TrimSpace(text)
}

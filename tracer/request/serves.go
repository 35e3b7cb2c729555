package request

import (
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// Serves reports whether route takes spec: the same gRPC method, or the
// same HTTP method on a path its template matches, each {name} standing
// for one segment of the path ({name...} or * for the rest).
func Serves(route tracer.Route, spec tracer.RequestSpec) bool {
	if route.Transport != spec.Transport {
		return false
	}
	if spec.Transport == "grpc" {
		return strings.TrimPrefix(route.Path, "/") == strings.TrimPrefix(spec.Path, "/")
	}
	if !strings.EqualFold(route.Method, spec.Method) {
		return false
	}
	path, _, _ := strings.Cut(spec.Path, "?")
	want := strings.Split(strings.Trim(route.Path, "/"), "/")
	got := strings.Split(strings.Trim(path, "/"), "/")
	for i, w := range want {
		rest := w == "*" || (strings.HasPrefix(w, "{") && strings.HasSuffix(w, "...}"))
		if rest {
			return true
		}
		if i >= len(got) {
			return false
		}
		if !(strings.HasPrefix(w, "{") && strings.HasSuffix(w, "}")) && w != got[i] {
			return false
		}
	}
	return len(got) == len(want)
}

package request

import (
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
)

func TestServes(t *testing.T) {
	tests := []struct {
		route tracer.Route
		spec  string
		want  bool
	}{
		{tracer.Route{Transport: "http", Method: "GET", Path: "/helloworld/{name}"}, "GET /helloworld/kratos", true},
		{tracer.Route{Transport: "http", Method: "GET", Path: "/helloworld/{name}"}, "GET /helloworld/kratos?x=1", true},
		{tracer.Route{Transport: "http", Method: "GET", Path: "/helloworld/{name}"}, "POST /helloworld/kratos", false},
		{tracer.Route{Transport: "http", Method: "GET", Path: "/helloworld/{name}"}, "GET /helloworld", false},
		{tracer.Route{Transport: "http", Method: "GET", Path: "/helloworld/{name}"}, "GET /helloworld/a/b", false},
		{tracer.Route{Transport: "http", Method: "GET", Path: "/gateway/{name}"}, "GET /helloworld/kratos", false},
		{tracer.Route{Transport: "http", Method: "GET", Path: "/static/{path...}"}, "GET /static/a/b.css", true},
		{tracer.Route{Transport: "grpc", Path: "helloworld.v1.Greeter/SayHello"}, `grpc helloworld.v1.Greeter/SayHello {"name":"x"}`, true},
		{tracer.Route{Transport: "grpc", Path: "helloworld.v1.Greeter/SayHello"}, "GET /helloworld.v1.Greeter/SayHello", false},
	}
	for _, tt := range tests {
		spec, err := Parse(tt.spec, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := Serves(tt.route, spec); got != tt.want {
			t.Errorf("Serves(%s %s, %q) = %v, want %v", tt.route.Method, tt.route.Path, tt.spec, got, tt.want)
		}
	}
}

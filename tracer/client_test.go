package tracer

import (
	"slices"
	"testing"
)

func TestInstanceChanges(t *testing.T) {
	a := ServiceInstance{ID: "inventory-1", Endpoints: []string{"grpc://127.0.0.1:9001"}}
	b := ServiceInstance{ID: "inventory-2", Endpoints: []string{"grpc://127.0.0.1:9002"}}
	anon := ServiceInstance{Endpoints: []string{"grpc://127.0.0.1:9003", "http://127.0.0.1:8003"}}
	for _, c := range []struct {
		name         string
		prev, cur    []ServiceInstance
		left, joined []string
	}{
		{"the same list", []ServiceInstance{a}, []ServiceInstance{a}, nil, nil},
		{"the last one left", []ServiceInstance{a}, nil, []string{"inventory-1"}, nil},
		{"it came back", nil, []ServiceInstance{a}, nil, []string{"inventory-1"}},
		{"one replaced by two", []ServiceInstance{a}, []ServiceInstance{b, anon}, []string{"inventory-1"},
			[]string{"grpc://127.0.0.1:9003 http://127.0.0.1:8003", "inventory-2"}},
		{"sorted whatever the order", []ServiceInstance{b, a}, nil, []string{"inventory-1", "inventory-2"}, nil},
	} {
		left, joined := InstanceChanges(c.prev, c.cur)
		if !slices.Equal(left, c.left) || !slices.Equal(joined, c.joined) {
			t.Errorf("%s: left %q, joined %q; want %q, %q", c.name, left, joined, c.left, c.joined)
		}
	}
}

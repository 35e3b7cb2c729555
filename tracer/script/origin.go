package script

import (
	"fmt"
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// originValue answers bootstrap.<leaf>.origin and bootstrap.<leaf>.overrides:
// where a config leaf's value came from, as the headless text prints it
// beside the leaf, and the values it replaced, latest first, one a line.
// ok is false when p does not end in either.
func originValue(root *tracer.Node, p Path) (value string, ok bool, err error) {
	n := len(p.Fields)
	if n < 2 || (p.Fields[n-1] != "origin" && p.Fields[n-1] != "overrides") {
		return "", false, nil
	}
	leaf := root.Lookup(strings.Join(p.Fields[:n-1], "."))
	switch {
	case leaf == nil:
		return "", true, fmt.Errorf("%s: no such field in the Bootstrap", p)
	case len(leaf.Children) > 0:
		return "", true, fmt.Errorf("%s: only a leaf has an origin; %s has fields", p, strings.Join(p.Fields[:n-1], "."))
	case leaf.Origin == nil:
		return "", true, fmt.Errorf("%s: the trace has no origins (recorded without config provenance, or the config sources could not be read)", p)
	}
	if p.Fields[n-1] == "origin" {
		return leaf.Origin.String(), true, nil
	}
	lines := make([]string, 0, len(leaf.Overrides))
	for i := len(leaf.Overrides) - 1; i >= 0; i-- {
		o := leaf.Overrides[i]
		lines = append(lines, o.Value+"   # "+o.Origin.String())
	}
	return strings.Join(lines, "\n"), true, nil
}

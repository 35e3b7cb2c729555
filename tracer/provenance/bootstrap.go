package provenance

import (
	"strconv"
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// Annotate sets Origin and Overrides on every leaf of root, the Bootstrap
// as the program decoded it, by finding each leaf's key in the merged
// config the way config.Scan's decoder does: protojson matches a field by
// its JSON name (lowerCamelCase) or its proto name; encoding/json, for a
// plain struct, also ignores case. A leaf whose key no source set is
// "unset": it holds its type's zero value.
func (r *Result) Annotate(root *tracer.Node, opts Options) {
	if root == nil {
		return
	}
	for _, c := range root.Children {
		r.annotate(c, r.root, opts)
	}
}

func (r *Result) annotate(n *tracer.Node, parent *val, opts Options) {
	v := lookupField(parent, n.Name, opts.Plain)
	if len(n.Children) == 0 {
		n.Overrides = nil
		if v == nil {
			n.Origin = &tracer.Origin{Kind: tracer.OriginUnset}
			return
		}
		o := v.finalOrigin()
		n.Origin = &o
		n.Overrides = v.overrides
		return
	}
	for _, c := range n.Children {
		r.annotate(c, v, opts)
	}
}

// lookupField finds the value a Bootstrap node named name was decoded from
// below parent: a list element by its "[i]", a map entry by its key, a
// field by its proto name or its JSON name.
func lookupField(parent *val, name string, plain bool) *val {
	if parent == nil {
		return nil
	}
	if strings.HasPrefix(name, "[") && strings.HasSuffix(name, "]") {
		i, err := strconv.Atoi(name[1 : len(name)-1])
		if err != nil || parent.kind != kindList || i < 0 || i >= len(parent.items) {
			return nil
		}
		return parent.items[i]
	}
	if parent.kind != kindMap {
		return nil
	}
	// The name as it is first: a map entry's key, or a field's proto
	// name. A config that sets a field under both names fails protojson
	// ("duplicate field"), so the order does not decide anything there.
	if v, ok := parent.fields[name]; ok {
		return v
	}
	if v, ok := parent.fields[jsonName(name)]; ok {
		return v
	}
	if plain {
		// encoding/json matches a key to a field ignoring case; the tree
		// names fields as proto would (read_timeout), so underscores are
		// ignored too.
		want := strings.ReplaceAll(name, "_", "")
		for _, k := range sortedKeys(parent.fields) {
			if strings.EqualFold(strings.ReplaceAll(k, "_", ""), want) {
				return parent.fields[k]
			}
		}
	}
	return nil
}

// jsonName is protobuf's default JSON name for a proto field name:
// read_timeout → readTimeout (google.golang.org/protobuf/internal/strs).
func jsonName(s string) string {
	var b []byte
	wasUnderscore := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '_' {
			if wasUnderscore && 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			b = append(b, c)
		}
		wasUnderscore = c == '_'
	}
	return string(b)
}

package tracer

import (
	"strings"
)

// Node is one value of a decoded config tree such as Bootstrap. A struct or
// message has Children and no Value; a leaf has a Value and no Children.
type Node struct {
	// Name is the field name as written in the proto (e.g. "read_timeout"),
	// or "[i]" for a list element, or a map key.
	Name string `json:"name"`
	// Type is the Go type's short name, e.g. "conf.Server_HTTP" or "string".
	Type string `json:"type,omitempty"`
	// Value is the leaf's value as a person would write it: "127.0.0.1:8000",
	// "1s", "true"; "<nil>" for an unset message.
	Value    string  `json:"value,omitempty"`
	Children []*Node `json:"children,omitempty"`

	// Expr is the Go expression that reads this value in the program, set
	// on variables, watches and results so that a level left unloaded can
	// be read later (Inspector.Expand).
	Expr string `json:"expr,omitempty"`
	// Unloaded is set on a composite value whose children were not read
	// yet, to keep a stop fast; Expand reads them.
	Unloaded bool `json:"unloaded,omitempty"`
	// More counts what a cap left out: the elements of a long slice or map
	// beyond those shown, or the bytes of a long string.
	More int `json:"more,omitempty"`

	// Origin is where a config leaf's value came from, and Overrides the
	// values it replaced, earliest first (config provenance).
	Origin    *Origin    `json:"origin,omitempty"`
	Overrides []Override `json:"overrides,omitempty"`
	// Hash is a keyed hash of the clear value of a masked leaf, so that two
	// recordings can be compared without the secret.
	Hash string `json:"hash,omitempty"`
}

// Lookup finds the node at a dotted path below n, such as
// "server.http.addr". It returns nil when there is none.
func (n *Node) Lookup(path string) *Node {
	if n == nil {
		return nil
	}
	cur := n
	for _, part := range strings.Split(path, ".") {
		if part == "" {
			continue
		}
		var next *Node
		for _, c := range cur.Children {
			if c.Name == part {
				next = c
				break
			}
		}
		if next == nil {
			return nil
		}
		cur = next
	}
	return cur
}

// Walk calls fn for n and every node below it, depth first, with the dotted
// path of each (the root's path is "").
func (n *Node) Walk(fn func(path string, node *Node)) {
	if n == nil {
		return
	}
	var walk func(prefix string, node *Node)
	walk = func(prefix string, node *Node) {
		fn(prefix, node)
		for _, c := range node.Children {
			p := c.Name
			if prefix != "" {
				p = prefix + "." + c.Name
			}
			walk(p, c)
		}
	}
	walk("", n)
}

// Leaves returns every leaf below n as path → value.
func (n *Node) Leaves() map[string]string {
	out := map[string]string{}
	n.Walk(func(path string, node *Node) {
		if len(node.Children) == 0 && path != "" {
			out[path] = node.Value
		}
	})
	return out
}

// Equal reports whether two trees hold the same names, types and values.
func (n *Node) Equal(o *Node) bool {
	if n == nil || o == nil {
		return n == o
	}
	if n.Name != o.Name || n.Type != o.Type || n.Value != o.Value || len(n.Children) != len(o.Children) {
		return false
	}
	for i := range n.Children {
		if !n.Children[i].Equal(o.Children[i]) {
			return false
		}
	}
	return true
}

// Format renders the tree indented by two spaces a level, one node a line,
// for headless output.
func (n *Node) Format() string {
	var b strings.Builder
	for _, l := range n.Lines() {
		b.WriteString(l.Text + "\n")
	}
	return b.String()
}

// NodeLine is one line of Format: its text, indented, and the leaf it
// shows (nil for a node with children), for a printer that adds to it.
type NodeLine struct {
	Text string
	Leaf *Node
}

// Lines are the lines of Format, in order.
func (n *Node) Lines() []NodeLine {
	if n == nil {
		return nil
	}
	var lines []NodeLine
	var walk func(node *Node, depth int)
	walk = func(node *Node, depth int) {
		indent := strings.Repeat("  ", depth)
		switch {
		case len(node.Children) > 0:
			lines = append(lines, NodeLine{Text: indent + node.Name + ":"})
			for _, c := range node.Children {
				walk(c, depth+1)
			}
		case node.Value == "":
			lines = append(lines, NodeLine{Text: indent + node.Name + ": \"\"", Leaf: node})
		default:
			lines = append(lines, NodeLine{Text: indent + node.Name + ": " + node.Value, Leaf: node})
		}
	}
	for _, c := range n.Children {
		walk(c, 0)
	}
	return lines
}

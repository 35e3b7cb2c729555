package tracer

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Inline renders a value on one line of at most width characters, as a
// debugger's variables list does: a leaf's value, a struct as {name: value,
// …}, a slice as [a, b, …], what was left unloaded as {…}, and what a cap
// left out as "+N". Children are shown as far as the width allows; a width
// of 0 or less means no limit.
func (n *Node) Inline(width int) string {
	if n == nil {
		return ""
	}
	s := n.inline(width)
	if width > 0 && utf8.RuneCountInString(s) > width {
		s = string([]rune(s)[:max(width-1, 0)]) + "…"
	}
	return s
}

func (n *Node) inline(budget int) string {
	switch {
	case n.Value != "":
		// A leaf, or an error whose value is its message.
		if n.More > 0 {
			return fmt.Sprintf("%s…(+%d)", n.Value, n.More)
		}
		return n.Value
	case n.Unloaded:
		return n.open() + "…" + n.close()
	case len(n.Children) == 0:
		return n.open() + n.close()
	}
	var b strings.Builder
	b.WriteString(n.open())
	list := n.isList()
	for i, c := range n.Children {
		if i > 0 {
			b.WriteString(", ")
		}
		if budget > 0 && b.Len() >= budget {
			b.WriteString("…")
			break
		}
		if !list {
			b.WriteString(c.Name)
			b.WriteString(": ")
		}
		left := 0
		if budget > 0 {
			left = max(budget-b.Len(), 8)
		}
		b.WriteString(c.inline(left))
	}
	if n.More > 0 {
		fmt.Fprintf(&b, ", +%d", n.More)
	}
	b.WriteString(n.close())
	return b.String()
}

// isList reports whether n is a slice or an array: its children are
// elements [0], [1], … rather than named fields.
func (n *Node) isList() bool {
	return len(n.Children) > 0 && strings.HasPrefix(n.Children[0].Name, "[")
}

func (n *Node) open() string {
	if strings.HasPrefix(strings.TrimLeft(n.Type, "*"), "[") && !strings.HasPrefix(n.Type, "map[") {
		return "["
	}
	return "{"
}

func (n *Node) close() string {
	if n.open() == "[" {
		return "]"
	}
	return "}"
}

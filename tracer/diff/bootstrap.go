package diff

import (
	"fmt"
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/redact"
)

// leaf is one leaf of a Bootstrap tree with its dotted path.
type leaf struct {
	path string
	node *tracer.Node
}

func leavesOf(n *tracer.Node) []leaf {
	var out []leaf
	n.Walk(func(path string, node *tracer.Node) {
		if path != "" && len(node.Children) == 0 {
			out = append(out, leaf{path, node})
		}
	})
	return out
}

// bootstrapSection compares the last Bootstrap each boot read, leaf by
// leaf, in B's order with A's removed leaves where A had them.
func bootstrapSection(a, b *stream, partial bool) Section {
	s := Section{ID: SectionBootstrap, Changes: []Change{}}
	switch {
	case a.bootstrap == nil && b.bootstrap == nil:
		return s
	case b.bootstrap == nil && partial:
		return s
	case a.bootstrap == nil:
		s.Changes = append(s.Changes, Change{Op: Added, Path: "Bootstrap", After: "read at config.scan"})
		s.Notes = append(s.Notes, fmt.Sprintf("%s holds no Bootstrap: its trace did not get to config.scan", nameOr(a.name, "A")))
		return s
	case b.bootstrap == nil:
		s.Changes = append(s.Changes, Change{Op: Removed, Path: "Bootstrap", Before: "read at config.scan"})
		s.Notes = append(s.Notes, fmt.Sprintf("%s holds no Bootstrap: its trace did not get to config.scan", nameOr(b.name, "B")))
		return s
	}
	la, lb := leavesOf(a.bootstrap), leavesOf(b.bootstrap)
	inA := make(map[string]*tracer.Node, len(la))
	for _, l := range la {
		inA[l.path] = l.node
	}
	inB := make(map[string]*tracer.Node, len(lb))
	for _, l := range lb {
		inB[l.path] = l.node
	}
	// A's removed leaves go after the leaf before them that B has too.
	removedAfter := map[string][]leaf{}
	prev := ""
	for _, l := range la {
		if inB[l.path] == nil {
			removedAfter[prev] = append(removedAfter[prev], l)
			continue
		}
		prev = l.path
	}
	cmp := newSecretComparer(a, b)
	emitRemoved := func(after string) {
		for _, l := range removedAfter[after] {
			s.Changes = append(s.Changes, Change{Op: Removed, Path: l.path, Before: l.node.Value, BeforeOrigin: l.node.Origin, Masked: isMasked(l.node)})
		}
	}
	emitRemoved("")
	for _, l := range lb {
		if na := inA[l.path]; na == nil {
			s.Changes = append(s.Changes, Change{Op: Added, Path: l.path, After: l.node.Value, AfterOrigin: l.node.Origin, Masked: isMasked(l.node)})
		} else if c, differ := cmp.leaf(l.path, na, l.node); differ {
			s.Changes = append(s.Changes, c)
		}
		emitRemoved(l.path)
	}
	s.Notes = append(s.Notes, cmp.notes()...)
	return s
}

func nameOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// isMasked reports whether a leaf's value was masked in its recording.
func isMasked(n *tracer.Node) bool {
	return n.Hash != "" || strings.Contains(n.Value, redact.Mask)
}

// secretComparer compares leaves, the masked ones by their keyed hashes
// when both recordings were hashed with the same key, and counts those it
// could not compare.
type secretComparer struct {
	// hashes is set when both recordings hold hashes made with one key.
	hashes bool
	// mixed is set when one recording is masked and the other is not.
	mixed      bool
	keyA, keyB string
	uncompared []string
}

func newSecretComparer(a, b *stream) *secretComparer {
	return &secretComparer{
		hashes: a.hashKey != "" && a.hashKey == b.hashKey,
		mixed:  a.redacted != b.redacted,
		keyA:   a.hashKey,
		keyB:   b.hashKey,
	}
}

// leaf compares two leaves at path and returns the change, if they differ.
// A masked value is compared by its keyed hashes when both leaves have one,
// never by its text; a value that is the same but comes from another place
// is a Moved change, not a Changed one.
func (c *secretComparer) leaf(path string, a, b *tracer.Node) (Change, bool) {
	ch := Change{Op: Changed, Path: path, Before: a.Value, After: b.Value, BeforeOrigin: a.Origin, AfterOrigin: b.Origin}
	var differ bool
	if ma, mb := isMasked(a), isMasked(b); ma || mb {
		ch.Masked = true
		switch {
		case c.mixed && ma != mb:
			// One recording holds the clear value: it cannot be hashed
			// here, and must not be shown beside the masked one as a
			// difference.
			c.uncompared = append(c.uncompared, path)
			return ch, false
		case c.hashes && a.Hash != "" && b.Hash != "":
			differ = a.Hash != b.Hash
		case a.Value != b.Value:
			// No hashes to compare, but what the mask leaves visible
			// differs (a DSN's host, say).
			differ = true
		default:
			c.uncompared = append(c.uncompared, path)
			return ch, false
		}
	} else {
		differ = a.Value != b.Value
	}
	if differ {
		return ch, true
	}
	if a.Origin != nil && b.Origin != nil && !sameOrigin(a.Origin, b.Origin) {
		ch.Op = Moved
		return ch, true
	}
	return ch, false
}

// notes explain the masked values that could not be compared.
func (c *secretComparer) notes() []string {
	if len(c.uncompared) == 0 {
		return nil
	}
	var why string
	switch {
	case c.mixed:
		why = "one recording was made with --no-redact and the other masks them"
	case c.keyA == "" || c.keyB == "":
		why = "a recording holds no hashes of its masked values (made by an older kratos-trace, or without a hash key)"
	default:
		why = fmt.Sprintf("the recordings were hashed with different keys (%s and %s): set KRATOS_TRACE_HASH_KEY to the same secret where both are recorded", c.keyA, c.keyB)
	}
	return []string{fmt.Sprintf("%d masked value(s) not compared (%s): %s", len(c.uncompared), strings.Join(c.uncompared, ", "), why)}
}

// sameOrigin reports whether two origins name the same place. The line and
// column are left out: a line added above a value moves it without
// changing where it comes from.
func sameOrigin(a, b *tracer.Origin) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Kind == b.Kind && a.Source == b.Source && a.Key == b.Key && a.Placeholder == b.Placeholder && sameOrigin(a.Resolved, b.Resolved)
}

// FormatOrigin says where a value came from in a few words, e.g.
// "configs/config.yaml:12", "env APP_ADDR", "default of ${ADDR:x}".
func FormatOrigin(o *tracer.Origin) string {
	if o == nil {
		return ""
	}
	switch o.Kind {
	case tracer.OriginFile:
		if o.Line > 0 {
			return fmt.Sprintf("%s:%d", o.Source, o.Line)
		}
		return o.Source
	case tracer.OriginEnv:
		if o.Key != "" {
			return "env " + o.Key
		}
		return "env " + o.Source
	case tracer.OriginPlaceholder:
		s := o.Placeholder
		if o.Resolved != nil {
			s += " from " + FormatOrigin(o.Resolved)
		}
		return s
	case tracer.OriginDefault:
		return "default of " + o.Placeholder
	case tracer.OriginUnset:
		return "unset"
	}
	if o.Source != "" {
		return string(o.Kind) + " " + o.Source
	}
	return string(o.Kind)
}

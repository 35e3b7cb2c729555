package provenance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	toml "github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
	"gopkg.in/yaml.v3"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// valKind is the shape of a value in Kratos' merged map[string]any.
type valKind int

const (
	kindScalar valKind = iota
	kindMap
	kindList
	kindNull
)

// val is one value of the merged config, shaped as Kratos' reader holds it
// (maps, lists, scalars, nulls), with the place that set it and the values
// it replaced there, earliest first.
type val struct {
	kind      valKind
	scalar    any
	fields    map[string]*val
	items     []*val
	origin    tracer.Origin
	overrides []tracer.Override
	// resolved is the origin after placeholder resolution; nil when the
	// value held no placeholder.
	resolved *tracer.Origin
}

func newMap(o tracer.Origin) *val {
	return &val{kind: kindMap, fields: map[string]*val{}, origin: o}
}

// finalOrigin is where the value as the program sees it came from.
func (v *val) finalOrigin() tracer.Origin {
	if v.resolved != nil {
		return *v.resolved
	}
	return v.origin
}

// find follows a path of map keys, as Kratos' readValue does: no list
// indexes, nil when a key is missing or a value on the way is not a map.
func (v *val) find(keys []string) *val {
	cur := v
	for _, k := range keys {
		if cur == nil || cur.kind != kindMap {
			return nil
		}
		cur = cur.fields[k]
	}
	return cur
}

// text is the value as a person would write it in a config, for an
// override's value.
func (v *val) text() string {
	switch v.kind {
	case kindNull:
		return "null"
	case kindMap:
		return "{…}"
	case kindList:
		return "[…]"
	}
	switch s := v.scalar.(type) {
	case string:
		return s
	case float64:
		return strconv.FormatFloat(s, 'g', -1, 64)
	}
	return fmt.Sprint(v.scalar)
}

// countLeaves counts the scalars and nulls below v.
func (v *val) countLeaves() int {
	switch v.kind {
	case kindMap:
		n := 0
		for _, c := range v.fields {
			n += c.countLeaves()
		}
		return n
	case kindList:
		n := 0
		for _, c := range v.items {
			n += c.countLeaves()
		}
		return n
	}
	return 1
}

// position is a place in a document, 1-based.
type position struct{ line, column int }

// positions maps a path in a document (keys and "[i]" joined by "\x00") to
// where its value is written: a scalar's own place, a map's or list's key.
type positions map[string]position

func pathKey(path []string) string { return strings.Join(path, "\x00") }

// decode decodes one key-value as Kratos' default decoder does: with the
// codec of its format, or, without a format, as the single key named by
// splitting Key at dots. base is the origin every key in it shares.
func decode(kv KeyValue, base tracer.Origin) (*val, error) {
	data := []byte(kv.Value)
	target := map[string]any{}
	var pos positions
	switch kv.Format {
	case "":
		keys := strings.Split(kv.Key, ".")
		m := target
		for i, k := range keys {
			if i == len(keys)-1 {
				m[k] = kv.Value
				break
			}
			sub := map[string]any{}
			m[k] = sub
			m = sub
		}
		return build(target, nil, nil, base), nil
	case "yaml", "yml":
		// Kratos registers its yaml codec under "yaml" only; a .yml file
		// fails to decode in the program, and is reported there.
		if kv.Format == "yml" {
			return nil, fmt.Errorf("kratos has no codec for format %q", kv.Format)
		}
		if err := yaml.Unmarshal(data, &target); err != nil {
			return nil, fmt.Errorf("decode yaml: %w", err)
		}
		pos = yamlPositions(data)
	case "json":
		if err := json.Unmarshal(data, &target); err != nil {
			return nil, fmt.Errorf("decode json: %w", err)
		}
		pos = jsonPositions(data)
	case "toml":
		if err := toml.Unmarshal(data, &target); err != nil {
			return nil, fmt.Errorf("decode toml: %w", err)
		}
		pos = tomlPositions(data)
	default:
		return nil, fmt.Errorf("format %q is not followed", kv.Format)
	}
	return build(convertMap(target), nil, pos, base), nil
}

// convertMap turns what a codec decoded into the shapes Kratos' reader
// keeps, as its convertMap does: map[any]any keys printed with fmt.Sprint,
// []byte as string.
func convertMap(src any) any {
	switch m := src.(type) {
	case map[string]any:
		dst := make(map[string]any, len(m))
		for k, v := range m {
			dst[k] = convertMap(v)
		}
		return dst
	case map[any]any:
		dst := make(map[string]any, len(m))
		for k, v := range m {
			dst[fmt.Sprint(k)] = convertMap(v)
		}
		return dst
	case []any:
		dst := make([]any, len(m))
		for i, v := range m {
			dst[i] = convertMap(v)
		}
		return dst
	case []byte:
		return string(m)
	}
	return src
}

// build turns a decoded value into a val tree, each node with base's origin,
// its position and, for files, its dotted key.
func build(v any, path []string, pos positions, base tracer.Origin) *val {
	o := base
	if p, ok := pos[pathKey(path)]; ok && len(path) > 0 {
		o.Line, o.Column = p.line, p.column
	}
	if base.Kind == tracer.OriginFile && len(path) > 0 {
		o.Key = dotted(path)
	}
	switch x := v.(type) {
	case map[string]any:
		out := newMap(o)
		for k, c := range x {
			out.fields[k] = build(c, append(path[:len(path):len(path)], k), pos, base)
		}
		return out
	case []any:
		out := &val{kind: kindList, origin: o}
		for i, c := range x {
			out.items = append(out.items, build(c, append(path[:len(path):len(path)], "["+strconv.Itoa(i)+"]"), pos, base))
		}
		return out
	case nil:
		return &val{kind: kindNull, origin: o}
	}
	return &val{kind: kindScalar, scalar: v, origin: o}
}

// dotted joins a path as a config key: server.http.addr, servers[0].addr.
func dotted(path []string) string {
	var b strings.Builder
	for i, p := range path {
		if i > 0 && !strings.HasPrefix(p, "[") {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	return b.String()
}

// yamlPositions finds where each value of a YAML document is written, with
// gopkg.in/yaml.v3 (the parser Kratos' yaml codec uses). Aliases point at
// their anchor; keys from a merge key (<<) at the merged mapping, unless the
// mapping sets them itself.
func yamlPositions(data []byte) positions {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil
	}
	out := positions{}
	var walk func(n *yaml.Node, path []string, depth int)
	at := func(n *yaml.Node) position { return position{n.Line, n.Column} }
	walk = func(n *yaml.Node, path []string, depth int) {
		if n == nil || depth > 64 {
			return
		}
		for n.Kind == yaml.AliasNode && n.Alias != nil {
			n = n.Alias
		}
		switch n.Kind {
		case yaml.DocumentNode:
			if len(n.Content) > 0 {
				walk(n.Content[0], path, depth+1)
			}
		case yaml.MappingNode:
			// Merged keys first, so that the mapping's own keys win.
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if k.Tag != "!!merge" {
					continue
				}
				for v.Kind == yaml.AliasNode && v.Alias != nil {
					v = v.Alias
				}
				if v.Kind == yaml.SequenceNode {
					// Earlier mappings in the list win over later ones.
					for j := len(v.Content) - 1; j >= 0; j-- {
						walk(v.Content[j], path, depth+1)
					}
				} else {
					walk(v, path, depth+1)
				}
			}
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if k.Tag == "!!merge" {
					continue
				}
				p := append(path[:len(path):len(path)], k.Value)
				target := v
				for target.Kind == yaml.AliasNode && target.Alias != nil {
					target = target.Alias
				}
				if target.Kind == yaml.ScalarNode {
					out[pathKey(p)] = at(target)
				} else {
					out[pathKey(p)] = at(k)
				}
				walk(v, p, depth+1)
			}
		case yaml.SequenceNode:
			for i, item := range n.Content {
				p := append(path[:len(path):len(path)], "["+strconv.Itoa(i)+"]")
				target := item
				for target.Kind == yaml.AliasNode && target.Alias != nil {
					target = target.Alias
				}
				out[pathKey(p)] = at(target)
				walk(item, p, depth+1)
			}
		}
	}
	walk(&doc, nil, 0)
	return out
}

// jsonPositions finds where each value of a JSON document is written. When
// a key repeats, the last one wins, as with encoding/json.
func jsonPositions(data []byte) positions {
	s := &jsonScan{data: data, out: positions{}}
	s.skipSpace()
	s.value(nil, 0)
	return s.out
}

type jsonScan struct {
	data []byte
	i    int
	out  positions
}

func (s *jsonScan) at(offset int) position {
	line := 1 + bytes.Count(s.data[:offset], []byte{'\n'})
	col := offset - (bytes.LastIndexByte(s.data[:offset], '\n') + 1) + 1
	return position{line, col}
}

func (s *jsonScan) skipSpace() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\r', '\n':
			s.i++
		default:
			return
		}
	}
}

// value scans one value at s.i; a malformed document stops the scan, with
// what was found so far kept.
func (s *jsonScan) value(path []string, depth int) bool {
	if s.i >= len(s.data) || depth > 64 {
		return false
	}
	switch s.data[s.i] {
	case '{':
		s.i++
		for {
			s.skipSpace()
			if s.i < len(s.data) && s.data[s.i] == '}' {
				s.i++
				return true
			}
			keyAt := s.i
			key, ok := s.str()
			if !ok {
				return false
			}
			s.skipSpace()
			if s.i >= len(s.data) || s.data[s.i] != ':' {
				return false
			}
			s.i++
			s.skipSpace()
			p := append(path[:len(path):len(path)], key)
			if s.i < len(s.data) && (s.data[s.i] == '{' || s.data[s.i] == '[') {
				s.out[pathKey(p)] = s.at(keyAt)
			} else {
				s.out[pathKey(p)] = s.at(s.i)
			}
			if !s.value(p, depth+1) {
				return false
			}
			s.skipSpace()
			if s.i < len(s.data) && s.data[s.i] == ',' {
				s.i++
				continue
			}
			if s.i < len(s.data) && s.data[s.i] == '}' {
				s.i++
				return true
			}
			return false
		}
	case '[':
		s.i++
		for n := 0; ; n++ {
			s.skipSpace()
			if s.i < len(s.data) && s.data[s.i] == ']' {
				s.i++
				return true
			}
			p := append(path[:len(path):len(path)], "["+strconv.Itoa(n)+"]")
			s.out[pathKey(p)] = s.at(s.i)
			if !s.value(p, depth+1) {
				return false
			}
			s.skipSpace()
			if s.i < len(s.data) && s.data[s.i] == ',' {
				s.i++
				continue
			}
			if s.i < len(s.data) && s.data[s.i] == ']' {
				s.i++
				return true
			}
			return false
		}
	case '"':
		_, ok := s.str()
		return ok
	}
	for s.i < len(s.data) && !strings.ContainsRune(",]} \t\r\n", rune(s.data[s.i])) {
		s.i++
	}
	return true
}

// str scans a JSON string and returns its value.
func (s *jsonScan) str() (string, bool) {
	if s.i >= len(s.data) || s.data[s.i] != '"' {
		return "", false
	}
	start := s.i
	s.i++
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case '\\':
			s.i += 2
			continue
		case '"':
			s.i++
			var out string
			if err := json.Unmarshal(s.data[start:s.i], &out); err != nil {
				return "", false
			}
			return out, true
		}
		s.i++
	}
	return "", false
}

// tomlPositions finds where each value of a TOML document is written, with
// go-toml's parser, which keeps the byte range of every node.
func tomlPositions(data []byte) positions {
	var p unstable.Parser
	p.Reset(data)
	out := positions{}
	at := func(n *unstable.Node) (position, bool) {
		if n == nil || n.Raw.Length == 0 && n.Raw.Offset == 0 {
			return position{}, false
		}
		sh := p.Shape(n.Raw)
		return position{sh.Start.Line, sh.Start.Column}, true
	}
	keyOf := func(it unstable.Iterator) ([]string, *unstable.Node) {
		var parts []string
		var first *unstable.Node
		for it.Next() {
			if first == nil {
				first = it.Node()
			}
			parts = append(parts, string(it.Node().Data))
		}
		return parts, first
	}
	var value func(path []string, n *unstable.Node, keyNode *unstable.Node)
	value = func(path []string, n *unstable.Node, keyNode *unstable.Node) {
		switch n.Kind {
		case unstable.InlineTable:
			if pp, ok := at(keyNode); ok {
				out[pathKey(path)] = pp
			}
			it := n.Children()
			for it.Next() {
				kv := it.Node()
				if kv.Kind != unstable.KeyValue {
					continue
				}
				parts, first := keyOf(kv.Key())
				value(append(path[:len(path):len(path)], parts...), kv.Value(), first)
			}
		case unstable.Array:
			if pp, ok := at(keyNode); ok {
				out[pathKey(path)] = pp
			}
			it := n.Children()
			for i := 0; it.Next(); i++ {
				item := it.Node()
				p := append(path[:len(path):len(path)], "["+strconv.Itoa(i)+"]")
				if pp, ok := at(item); ok {
					out[pathKey(p)] = pp
				}
				if item.Kind == unstable.InlineTable || item.Kind == unstable.Array {
					value(p, item, item)
				}
			}
		default:
			if pp, ok := at(n); ok {
				out[pathKey(path)] = pp
			} else if pp, ok := at(keyNode); ok {
				out[pathKey(path)] = pp
			}
		}
	}
	var table []string
	arrays := map[string]int{}
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table:
			parts, first := keyOf(e.Key())
			table = parts
			if pp, ok := at(first); ok {
				out[pathKey(table)] = pp
			}
		case unstable.ArrayTable:
			parts, first := keyOf(e.Key())
			k := pathKey(parts)
			i := arrays[k]
			arrays[k] = i + 1
			if _, seen := out[k]; !seen {
				if pp, ok := at(first); ok {
					out[k] = pp
				}
			}
			table = append(parts, "["+strconv.Itoa(i)+"]")
			if pp, ok := at(first); ok {
				out[pathKey(table)] = pp
			}
		case unstable.KeyValue:
			parts, first := keyOf(e.Key())
			value(append(table[:len(table):len(table)], parts...), e.Value(), first)
		}
	}
	return out
}

// sortedKeys returns m's keys in order, so that walks are deterministic.
func sortedKeys(m map[string]*val) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

package provenance

import (
	"regexp"
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// mergeMaps merges src over dst as Kratos' default merge,
// mergo.Map(&dst, src, mergo.WithOverride), does for the map[string]any
// trees its reader holds (dario.cat/mergo v1.0.0, deepMerge's map case):
// a map over a non-empty map is merged key by key; anything else (a
// scalar, a list, a null, a map over a non-map or an empty map) replaces
// the earlier value, even when it is empty, because a map element is an
// interface and WithOverride sets every non-pointer one.
func mergeMaps(dst, src *val) {
	for _, k := range sortedKeys(src.fields) {
		sv := src.fields[k]
		dv, ok := dst.fields[k]
		if ok && sv.kind == kindMap && dv.kind == kindMap && len(dv.fields) > 0 {
			mergeMaps(dv, sv)
			continue
		}
		if ok {
			carry(dv, sv)
		}
		dst.fields[k] = sv
	}
}

// carry records on next, which replaces old at the same key, the values
// old held: for a scalar, old itself on top of what old had replaced; for
// a map or a list replaced by its like, key by key or index by index, so
// that every leaf keeps the chain of values it replaced.
func carry(old, next *val) {
	switch {
	case old.kind == kindMap && next.kind == kindMap:
		for k, nv := range next.fields {
			if ov, ok := old.fields[k]; ok {
				carry(ov, nv)
			}
		}
		return
	case old.kind == kindList && next.kind == kindList:
		for i := range next.items {
			if i < len(old.items) {
				carry(old.items[i], next.items[i])
			}
		}
		return
	}
	chain := append([]tracer.Override(nil), old.overrides...)
	next.overrides = append(chain, tracer.Override{Value: old.text(), Origin: old.origin})
}

// placeholderRegexp is Kratos' own (config/options.go).
var placeholderRegexp = regexp.MustCompile(`\${(.*?)}`)

// resolvePlaceholders gives every string that holds a ${KEY:default}
// placeholder the origin of what it resolved to, following Kratos'
// resolver: KEY is read from the merged config by its dotted path (map
// keys only); when it is absent, the default after the first ':' is used,
// or "". When a string holds several placeholders, the first that a key
// resolved names the origin.
func resolvePlaceholders(root *val) {
	var walk func(v *val)
	walk = func(v *val) {
		switch v.kind {
		case kindMap:
			for _, k := range sortedKeys(v.fields) {
				walk(v.fields[k])
			}
		case kindList:
			// Kratos expands strings and maps in a list, not lists in it.
			for _, it := range v.items {
				if it.kind != kindList {
					walk(it)
				}
			}
		case kindScalar:
			resolveOne(root, v, 0)
		}
	}
	walk(root)
}

// maxChain bounds how many placeholders resolving to placeholders are
// followed, against a config whose placeholders name each other.
const maxChain = 16

// resolveOne sets v.resolved when v is a string holding placeholders.
func resolveOne(root, v *val, depth int) {
	s, ok := v.scalar.(string)
	if !ok || v.resolved != nil {
		return
	}
	matches := placeholderRegexp.FindAllStringSubmatch(s, -1)
	if len(matches) == 0 {
		return
	}
	where := v.origin
	text := matches[0][0]
	if len(matches) > 1 {
		text = s
	}
	var firstKey string
	for _, m := range matches {
		args := strings.SplitN(strings.TrimSpace(m[1]), ":", 2)
		if firstKey == "" {
			firstKey = args[0]
		}
		ref := root.find(strings.Split(args[0], "."))
		if ref == nil {
			continue
		}
		if depth < maxChain {
			resolveOne(root, ref, depth+1)
		}
		resolved := ref.finalOrigin()
		o := placeOf(where, tracer.OriginPlaceholder, text, args[0])
		o.Resolved = &resolved
		v.resolved = &o
		return
	}
	o := placeOf(where, tracer.OriginDefault, text, firstKey)
	v.resolved = &o
}

// placeOf is an origin of kind for a placeholder written at where.
func placeOf(where tracer.Origin, kind tracer.OriginKind, placeholder, key string) tracer.Origin {
	o := tracer.Origin{Kind: kind, Placeholder: placeholder, Key: key}
	if where.Kind == tracer.OriginFile || where.Kind == tracer.OriginOther {
		o.Source, o.Line, o.Column = where.Source, where.Line, where.Column
	}
	if where.Kind == tracer.OriginEnv {
		// A placeholder inside an env variable: say which variable.
		o.Source = "env " + where.Key
	}
	return o
}

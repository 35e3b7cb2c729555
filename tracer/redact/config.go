package redact

import (
	"regexp"
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// origins returns copies of n's origin and overrides with secrets masked:
// a replaced value as n's own value would be (all of it below a secret
// name), and a placeholder's default. Where a value came from (file, line,
// variable name) is never a secret, and stays.
func origins(n *tracer.Node, secret bool) (*tracer.Origin, []tracer.Override) {
	var o *tracer.Origin
	if n.Origin != nil {
		c := origin(*n.Origin, secret)
		o = &c
	}
	if n.Overrides == nil {
		return o, nil
	}
	over := make([]tracer.Override, len(n.Overrides))
	for i, ov := range n.Overrides {
		ov.Origin = origin(ov.Origin, secret)
		if secret && ov.Value != "" {
			ov.Value = Mask
		} else {
			ov.Value = String(ov.Value)
		}
		over[i] = ov
	}
	return o, over
}

// placeholderDefault matches the default of a ${KEY:default} placeholder.
var placeholderDefault = regexp.MustCompile(`(\$\{[^:}]*:)([^}]+)\}`)

func origin(o tracer.Origin, secret bool) tracer.Origin {
	if o.Placeholder != "" {
		if secret || SensitiveName(o.Key) {
			o.Placeholder = placeholderDefault.ReplaceAllString(o.Placeholder, "${1}"+Mask+"}")
		} else {
			o.Placeholder = String(o.Placeholder)
		}
	}
	if o.Resolved != nil {
		r := origin(*o.Resolved, secret)
		o.Resolved = &r
	}
	return o
}

// ConfigSources returns copies of sources with secrets in their contents
// masked; sources is not changed.
func ConfigSources(sources []tracer.ConfigSource) []tracer.ConfigSource {
	if sources == nil {
		return nil
	}
	out := make([]tracer.ConfigSource, len(sources))
	for i, s := range sources {
		s.Content = Content(s.Content)
		out[i] = s
	}
	return out
}

// assignment matches one line's key and value in YAML, TOML, .env or
// NAME=value text: `  password: x`, `- token = "x"`, `KRATOS_DB_PASSWORD=x`.
var assignment = regexp.MustCompile(`^(\s*(?:-\s+)?["']?([\w.\-]+)["']?\s*[:=]\s*)(\S.*)$`)

// Content masks the secrets in a config file's text or an env source's
// variables, line by line: the value of a key named like a secret (as in a
// config tree, SensitiveName), and everything String masks in free text
// (URL and DSN passwords, password=… pairs in JSON and elsewhere).
func Content(text string) string {
	if text == "" {
		return text
	}
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if m := assignment.FindStringSubmatch(l); m != nil && SensitiveName(m[2]) && !strings.HasPrefix(m[3], "#") {
			l = m[1] + Mask
		}
		lines[i] = String(l)
	}
	return strings.Join(lines, "\n")
}

package redact

import (
	"encoding/json"
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// secretHeaders are the headers whose whole value is a credential.
var secretHeaders = map[string]bool{
	"authorization": true, "proxy-authorization": true, "cookie": true, "set-cookie": true,
	"x-api-key": true, "x-auth-token": true, "x-csrf-token": true, "x-xsrf-token": true,
}

// Header masks the value of a "Key: value" header line that carries a
// credential: Authorization and cookies, and any header named like a
// secret (X-Api-Key, X-Auth-Token).
func Header(line string) string {
	k, v, ok := strings.Cut(line, ":")
	if !ok {
		return String(line)
	}
	key := strings.TrimSpace(k)
	if strings.TrimSpace(v) != "" && (secretHeaders[strings.ToLower(key)] || SensitiveName(key)) {
		return key + ": " + Mask
	}
	return key + ":" + String(v)
}

// Headers masks every header line; see Header.
func Headers(lines []string) []string {
	if lines == nil {
		return nil
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = Header(l)
	}
	return out
}

// JSON masks the values of secret-named fields in a JSON text (a request
// or reply body, a gRPC message), at any depth. Text that is not JSON is
// masked as free text.
func JSON(s string) string {
	if strings.TrimSpace(s) == "" {
		return s
	}
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return String(s)
	}
	masked, changed := maskJSON(v, false)
	if !changed {
		return String(s)
	}
	b, err := json.Marshal(masked)
	if err != nil {
		return String(s)
	}
	return string(b)
}

// maskJSON masks the leaves below secret-named keys; it reports whether
// anything changed.
func maskJSON(v any, secret bool) (any, bool) {
	switch x := v.(type) {
	case map[string]any:
		changed := false
		for k, val := range x {
			m, c := maskJSON(val, secret || SensitiveName(k))
			x[k], changed = m, changed || c
		}
		return x, changed
	case []any:
		changed := false
		for i, val := range x {
			m, c := maskJSON(val, secret)
			x[i], changed = m, changed || c
		}
		return x, changed
	case nil:
		return x, false
	case string:
		if secret && x != "" {
			return Mask, true
		}
		if m := String(x); m != x {
			return m, true
		}
		return x, false
	default:
		if secret {
			return Mask, true
		}
		return x, false
	}
}

// Request returns a copy of a request's info with its secrets masked: the
// query of its path (?token=…), the headers sent and received, the
// secret-named fields of the bodies, and the error texts.
func Request(r *tracer.RequestInfo) *tracer.RequestInfo {
	if r == nil {
		return nil
	}
	out := *r
	if path, query, ok := strings.Cut(r.Path, "?"); ok {
		out.Path = path + "?" + String(query)
	}
	out.Header = Headers(r.Header)
	out.Body = JSON(r.Body)
	if r.Reply != nil {
		rep := *r.Reply
		rep.Header = Headers(rep.Header)
		rep.Body = JSON(rep.Body)
		rep.Message = String(rep.Message)
		rep.Error = String(rep.Error)
		rep.FailedWhy = String(rep.FailedWhy)
		out.Reply = &rep
	}
	return &out
}

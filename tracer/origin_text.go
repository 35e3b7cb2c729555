package tracer

import (
	"fmt"
	"path"
	"strconv"
	"strings"
)

// String says where a value came from in a few words, the way the headless
// text prints it beside a leaf: "configs/zz-override.yaml:3",
// "env KRATOS_GRPC_TIMEOUT via ${GRPC_TIMEOUT:1s} (configs/config.yaml:8)",
// "${GRPC_TIMEOUT:1s} default (configs/config.yaml:8)", "unset".
func (o Origin) String() string {
	return o.format(false)
}

// Short is String with file paths cut to their base name, for narrow
// columns such as the TUI's Bootstrap pane.
func (o Origin) Short() string {
	return o.format(true)
}

func (o Origin) format(short bool) string {
	switch o.Kind {
	case OriginFile:
		return o.place(short)
	case OriginEnv:
		if o.Key != "" {
			return "env " + o.Key
		}
		return "env " + o.Source
	case OriginPlaceholder:
		via := o.Placeholder
		if o.Resolved != nil {
			via = o.Resolved.format(short) + " via " + o.Placeholder
		}
		if where := o.place(short); where != "" {
			via += " (" + where + ")"
		}
		return via
	case OriginDefault:
		s := o.Placeholder + " default"
		if where := o.place(short); where != "" {
			s += " (" + where + ")"
		}
		return s
	case OriginUnset:
		return "unset"
	case OriginOther:
		s := "other (" + o.Source + ")"
		if o.Key != "" {
			s += " " + o.Key
		}
		if o.Line > 0 {
			s += ":" + strconv.Itoa(o.Line)
		}
		return s
	}
	if o.Kind == "" {
		return ""
	}
	return string(o.Kind)
}

// place is "FILE:LINE" for an origin in a file (also where a placeholder
// was written), or "" when it has no file.
func (o Origin) place(short bool) string {
	if o.Source == "" || o.Kind == OriginEnv {
		return ""
	}
	src := o.Source
	if short {
		src = path.Base(strings.ReplaceAll(src, "\\", "/"))
	}
	if o.Line > 0 {
		return src + ":" + strconv.Itoa(o.Line)
	}
	return src
}

// Chain is what the headless text prints beside a config leaf: its origin
// and, in parentheses, the places of the values it overrode, latest first:
// "configs/zz-override.yaml:3 (overrides configs/config.yaml:3)".
func Chain(o *Origin, overrides []Override) string {
	if o == nil {
		return ""
	}
	s := o.String()
	if len(overrides) == 0 {
		return s
	}
	places := make([]string, 0, len(overrides))
	for i := len(overrides) - 1; i >= 0; i-- {
		places = append(places, overrides[i].Origin.String())
	}
	return s + " (overrides " + strings.Join(places, ", ") + ")"
}

// SourcesSummary lists config sources in one line, as the config.load stop
// shows them: "3 sources: configs/config.yaml (yaml, 412 B),
// configs/zz-override.yaml (yaml, 80 B), env KRATOS_ (2 keys)".
func SourcesSummary(sources []ConfigSource) string {
	noun := "sources"
	if len(sources) == 1 {
		noun = "source"
	}
	return fmt.Sprintf("%d %s: %s", len(sources), noun, strings.Join(SourceSummaries(sources), ", "))
}

// SourceSummaries is each source's Summary, in order.
func SourceSummaries(sources []ConfigSource) []string {
	out := make([]string, len(sources))
	for i, s := range sources {
		out[i] = s.Summary()
	}
	return out
}

// Summary describes one source in a few words: "configs/config.yaml (yaml,
// 412 B)", "env KRATOS_ (2 keys)".
func (s ConfigSource) Summary() string {
	name := s.Name
	switch s.Kind {
	case "file":
	case "env":
		name = "env " + s.Name
	default:
		name = strings.TrimSpace(s.Kind + " " + s.Name)
	}
	if s.Format != "" {
		return fmt.Sprintf("%s (%s, %d B)", name, s.Format, s.Size)
	}
	keys := "keys"
	if s.Keys == 1 {
		keys = "key"
	}
	return fmt.Sprintf("%s (%d %s)", name, s.Keys, keys)
}

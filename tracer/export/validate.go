package export

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
)

// Validate checks data against the Trace Event Format's JSON object form:
// a traceEvents array whose every event has a name, a ph, a numeric ts, an
// integer pid and tid, and for complete events ("X") a non-negative dur. It
// reads the JSON generically, so it checks what a viewer reads rather than
// what this package's types say. It returns the events as generic JSON
// objects.
func Validate(data []byte) ([]map[string]any, error) {
	var top map[string]any
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, fmt.Errorf("not a JSON object: %w", err)
	}
	raw, ok := top["traceEvents"].([]any)
	if !ok {
		return nil, fmt.Errorf("traceEvents is missing or not an array")
	}
	if u, ok := top["displayTimeUnit"]; ok && u != "ms" && u != "ns" {
		return nil, fmt.Errorf("displayTimeUnit %v", u)
	}
	var out []map[string]any
	for i, r := range raw {
		ev, ok := r.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("event %d is not an object", i)
		}
		if name, ok := ev["name"].(string); !ok || name == "" {
			return nil, fmt.Errorf("event %d: no name", i)
		}
		ph, _ := ev["ph"].(string)
		if !strings.Contains("XiIMBEbensfC", ph) || len(ph) != 1 {
			return nil, fmt.Errorf("event %d: ph %q", i, ph)
		}
		if _, ok := ev["ts"].(float64); !ok {
			return nil, fmt.Errorf("event %d: ts is not a number", i)
		}
		for _, k := range []string{"pid", "tid"} {
			v, ok := ev[k].(float64)
			if !ok || v != math.Trunc(v) {
				return nil, fmt.Errorf("event %d: %s is not an integer", i, k)
			}
		}
		if ph == "X" {
			d, ok := ev["dur"].(float64)
			if !ok || d < 0 {
				return nil, fmt.Errorf("event %d (%v): dur %v", i, ev["name"], ev["dur"])
			}
		}
		if ph == "i" {
			if s, ok := ev["s"]; ok && s != "g" && s != "p" && s != "t" {
				return nil, fmt.Errorf("event %d: instant scope %v", i, s)
			}
		}
		out = append(out, ev)
	}
	return out, nil
}

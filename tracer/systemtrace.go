package tracer

// IsSystemTrace reports whether events are a system's (tracer/system):
// some carry the service they belong to.
func IsSystemTrace(events []Event) bool {
	for _, ev := range events {
		if ev.Service != "" {
			return true
		}
	}
	return false
}

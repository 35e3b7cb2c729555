package tracer

import "strings"

// FirstLine is the first line of s, without the blanks around s: what a
// one-line place shows of a message that may run over several lines, such
// as a command's stderr.
func FirstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

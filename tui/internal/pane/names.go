package pane

import (
	"fmt"
	"strings"
	"time"
)

// How the panes write the program's names and times.

// ShortFunction drops the import path of a function's package, keeping the
// package name: "github.com/go-kratos/kratos/v2.(*App).Run" becomes
// "kratos.(*App).Run", "golang.org/x/sync/errgroup.(*Group).Go.func1"
// becomes "errgroup.(*Group).Go.func1".
func ShortFunction(fn string) string {
	slash := strings.LastIndex(fn, "/")
	if slash < 0 {
		return fn
	}
	rest := fn[slash+1:]
	// A major version suffix is not the package name: use the element before.
	if len(rest) > 1 && rest[0] == 'v' {
		if dot := strings.IndexByte(rest, '.'); dot > 1 && IsDigits(rest[1:dot]) {
			prev := fn[:slash]
			if j := strings.LastIndex(prev, "/"); j >= 0 {
				prev = prev[j+1:]
			}
			return prev + rest[dot:]
		}
	}
	return rest
}

// IsDigits reports whether s is all ASCII digits, and not empty.
func IsDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// FormatDuration writes d in at most six cells: 412µs, 1.85ms, 12.3ms,
// 120ms, 4.82s, 1m05s.
func FormatDuration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d.Microseconds())
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
	case d < 100*time.Millisecond:
		return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	case d < 10*time.Second:
		return fmt.Sprintf("%.2fs", d.Seconds())
	case d < 100*time.Second:
		return fmt.Sprintf("%.1fs", d.Seconds())
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}

// SplitFileLoc splits a FILE:LINE location into the file and ":LINE"; ok
// is false for any other location, such as a function.
func SplitFileLoc(loc string) (file, line string, ok bool) {
	i := strings.LastIndexByte(loc, ':')
	if i <= 0 || !IsDigits(loc[i+1:]) || !strings.ContainsAny(loc[:i], `/\`) {
		return "", "", false
	}
	return loc[:i], loc[i:], true
}

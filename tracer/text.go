package tracer

import (
	"os"
	"path/filepath"
	"strings"
)

// FirstLine is the first line of s, without the blanks around s: what a
// one-line place shows of a message whose further lines are detail, such
// as a command's stderr or a compiler's error.
func FirstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

// OneLine is all of s on one line: its lines joined and every run of blanks
// one space. With max > 0 it is at most max runes, a longer text cut to
// end in "…". It is for a message whose every line counts, such as
// Delve's errors or a reply's body.
func OneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if max > 0 {
		if r := []rune(s); len(r) > max {
			return string(r[:max-1]) + "…"
		}
	}
	return s
}

// moduleHosts are the hosts ShortPath leaves out of a module path: the
// module names that follow are well known without them.
var moduleHosts = []string{"github.com/", "golang.org/x/", "google.golang.org/"}

// ShortPath names a file as a person would: a file of the module cache
// from its module path on (without the common hosts: go-kratos/kratos/v2@v2.9.2/app.go),
// one of the standard library from its package path (net/http/server.go),
// and the program's own relative to the first of bases that holds it
// (internal/biz/greeter.go), or, with no bases, to the working directory.
// A relative path is already short, as in a recording; any other path is
// shown as it is.
func ShortPath(path string, bases ...string) string {
	if i := strings.Index(path, "/pkg/mod/"); i >= 0 {
		rest := path[i+len("/pkg/mod/"):]
		for _, host := range moduleHosts {
			rest = strings.TrimPrefix(rest, host)
		}
		return rest
	}
	if i := strings.Index(path, "/go/src/"); i >= 0 {
		return path[i+len("/go/src/"):]
	}
	if !filepath.IsAbs(path) {
		return path
	}
	if len(bases) == 0 {
		if wd, err := os.Getwd(); err == nil {
			bases = []string{wd}
		}
	}
	for _, base := range bases {
		if base == "" {
			continue
		}
		if rel, err := filepath.Rel(base, path); err == nil && !strings.HasPrefix(rel, "..") {
			return rel
		}
	}
	return path
}

package delve

import (
	"fmt"
	"os"
	"strings"

	"github.com/go-delve/delve/pkg/locspec"
)

// pathMap translates source paths between the program, which reports them
// as they were when it was built (in a container: /app/…, /go/pkg/mod/…),
// and this machine. Each rule is {FROM, TO}: a path the program reports
// (FROM) and where that source is here (TO), as in Delve's own
// substitute-path. The first rule that matches wins, and a path no rule
// matches is the same on both sides.
type pathMap struct {
	rules [][2]string
}

// toLocal maps a path the program reports to the path of that file here.
func (m pathMap) toLocal(remote string) string {
	if len(m.rules) == 0 {
		return remote
	}
	return locspec.SubstitutePath(remote, m.rules)
}

// toRemote maps a local path to the path the program knows the file by, so
// that a breakpoint set by file and line lands in the program's file.
func (m pathMap) toRemote(local string) string {
	if len(m.rules) == 0 {
		return local
	}
	reversed := make([][2]string, len(m.rules))
	for i, r := range m.rules {
		reversed[i] = [2]string{r[1], r[0]}
	}
	return locspec.SubstitutePath(local, reversed)
}

// withRule returns m with rule {from, to} tried before the user's rules;
// kratos-trace adds rules it has verified itself, such as the program's
// Kratos source to the module cache here.
func (m pathMap) withRule(from, to string) pathMap {
	if from == "" || to == "" || from == to {
		return m
	}
	rules := append([][2]string{{from, to}}, m.rules...)
	return pathMap{rules: rules}
}

// ParseSubstitutePath reads one --substitute-path value, FROM=TO: FROM is a
// directory as the program reports it (e.g. /app), TO where that source is
// on this machine. TO must exist, so that a mistyped path is caught at once
// rather than as a trace without source.
func ParseSubstitutePath(value string) ([2]string, error) {
	from, to, ok := strings.Cut(value, "=")
	from, to = strings.TrimSpace(from), strings.TrimSpace(to)
	if !ok || from == "" || to == "" {
		return [2]string{}, &UserError{
			Msg:  fmt.Sprintf("--substitute-path %q is not FROM=TO", value),
			Hint: "give the directory as the program knows it and where it is here, e.g. --substitute-path /app=$PWD",
		}
	}
	if fi, err := os.Stat(to); err != nil || !fi.IsDir() {
		return [2]string{}, &UserError{
			Msg:  fmt.Sprintf("--substitute-path %s: %s is not a directory here", value, to),
			Hint: "TO is the local checkout of the program's source, e.g. --substitute-path /app=$PWD",
		}
	}
	return [2]string{from, to}, nil
}

package delve

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/go-delve/delve/pkg/gobuild"
)

// debugGCFlags turns off optimisations and inlining so that every variable and
// every function can be seen by the debugger.
const debugGCFlags = "all=-N -l"

// maxCompilerLines bounds how much of a failed build is shown.
const maxCompilerLines = 30

// buildDebugBinary compiles t with debugGCFlags into dir and returns the
// binary's path. A failed compile returns a *UserError carrying the
// compiler's own lines.
func buildDebugBinary(t *Target, dir string) (string, error) {
	name := "target"
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	bin := filepath.Join(dir, name)
	// -C makes go build run in the package's own module, whatever our cwd is.
	_, out, err := gobuild.GoBuildCombinedOutput(bin, []string{"."}, []string{"-C", t.Dir})
	if err != nil {
		return "", &UserError{
			Msg:    fmt.Sprintf("%s does not compile", t.Pattern),
			Hint:   "fix the errors above; `go build " + t.Pattern + "` shows the same",
			Detail: trimCompilerOutput(string(out)),
			Err:    err,
		}
	}
	return bin, nil
}

// trimCompilerOutput keeps the compiler's error lines and drops go's own
// package headers, bounded to maxCompilerLines.
func trimCompilerOutput(out string) string {
	var keep []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.HasPrefix(line, "# ") || strings.TrimSpace(line) == "" {
			continue
		}
		keep = append(keep, line)
	}
	if len(keep) > maxCompilerLines {
		more := len(keep) - maxCompilerLines
		keep = append(keep[:maxCompilerLines], fmt.Sprintf("… and %d more lines", more))
	}
	return strings.Join(keep, "\n")
}

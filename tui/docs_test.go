package tui

import (
	"os"
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// TestDocsListEveryKey keeps the key table of docs/TUI.md in step with
// the bindings: every key of every binding, the root's and the panes',
// must appear in it.
func TestDocsListEveryKey(t *testing.T) {
	doc, err := os.ReadFile("../docs/TUI.md")
	if err != nil {
		t.Skipf("docs/TUI.md: %v", err)
	}
	shown := map[string]string{"up": "↑", "down": "↓", "pgdown": "pgdn"}
	m := NewModel(Options{Lang: tracer.English})
	// The panes' keys, the disabled ones too (the full help leaves them out).
	for _, group := range append(m.fullHelp(), m.paneBindings()) {
		for _, b := range group {
			for _, k := range b.Keys() {
				if s, ok := shown[k]; ok {
					k = s
				}
				if !strings.Contains(string(doc), "`"+k+"`") {
					t.Errorf("docs/TUI.md does not list the key %q (%s)", k, b.Help().Desc)
				}
			}
		}
	}
}

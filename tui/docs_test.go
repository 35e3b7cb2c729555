package tui

import (
	"os"
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// TestDocsListEveryKey keeps the key table of docs/TUI.md in step with
// keys.go: every key of every binding must appear in it.
func TestDocsListEveryKey(t *testing.T) {
	doc, err := os.ReadFile("../docs/TUI.md")
	if err != nil {
		t.Skipf("docs/TUI.md: %v", err)
	}
	shown := map[string]string{"up": "↑", "down": "↓", "pgdown": "pgdn"}
	for _, group := range newKeyMap(textFor(tracer.English)).FullHelp() {
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

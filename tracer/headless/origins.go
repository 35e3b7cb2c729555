package headless

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// formatSources is the config.load stop's line of sources.
func formatSources(sources []tracer.ConfigSource, lang tracer.Lang) string {
	head := wordsFor(lang).sourcesHead
	return fmt.Sprintf(head, len(sources), strings.Join(tracer.SourceSummaries(sources), ", "))
}

// maxOriginColumn caps where origins are aligned, so that one long value
// does not push every origin off the line.
const maxOriginColumn = 56

// FormatBootstrap renders a config tree as Node.Format does, with each
// leaf's origin beside it after "#", aligned:
//
//	addr: 127.0.0.1:8000   # configs/zz-override.yaml:4 (overrides configs/config.yaml:9)
//
// A tree without origins (a recording made before provenance) is printed
// as Node.Format prints it.
func FormatBootstrap(n *tracer.Node) string {
	if n == nil {
		return ""
	}
	type line struct{ text, origin string }
	var lines []line
	for _, l := range n.Lines() {
		origin := ""
		if l.Leaf != nil {
			origin = tracer.Chain(l.Leaf.Origin, l.Leaf.Overrides)
		}
		lines = append(lines, line{text: l.Text, origin: origin})
	}
	col := 0
	for _, l := range lines {
		if w := ansi.StringWidth(l.text); l.origin != "" && w > col && w <= maxOriginColumn {
			col = w
		}
	}
	var b strings.Builder
	for _, l := range lines {
		if l.origin == "" {
			b.WriteString(l.text + "\n")
			continue
		}
		b.WriteString(padCells(l.text, col) + "   # " + l.origin + "\n")
	}
	return b.String()
}

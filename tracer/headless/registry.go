package headless

import (
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// printRegistration prints the registrar's kind and the ServiceInstance an
// event carries (app.new names the registrar; app.register, app.deregister
// and a failed Register carry the instance too).
func printRegistration(w io.Writer, ev tracer.Event, wd *words) {
	if ev.Registrar == "" {
		return
	}
	fmt.Fprintf(w, "  "+wd.registry+"\n", ev.Registrar)
	in := ev.Instance
	if in == nil {
		return
	}
	// An empty version and metadata are shown as such, so that an App
	// built without kratos.Version or kratos.Metadata is visible.
	values := [5]string{in.ID, in.Name, emptyAs(in.Version, `""`), emptyAs(strings.Join(in.MetadataPairs(), " "), "{}"), strings.Join(in.Endpoints, " ")}
	width := 0
	for _, l := range wd.registryRows {
		width = max(width, ansi.StringWidth(l))
	}
	for i, label := range wd.registryRows {
		if values[i] == "" {
			continue
		}
		fmt.Fprintf(w, "    %s  %s\n", padCells(label, width), values[i])
	}
}

// emptyAs returns s, or shown when s is empty.
func emptyAs(s, shown string) string {
	if s == "" {
		return shown
	}
	return s
}

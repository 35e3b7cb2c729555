package headless

import (
	"fmt"
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// appWords are the headings of the attach stop's App block in one language.
type appWords struct {
	app       string    // "App:"
	rows      [5]string // id, name, version, metadata, endpoints
	instance  string    // "Registered instance (no registrar):" heading
	routes    string    // "Routes (%d):"
	bootstrap string    // "Bootstrap: %s" where it came from or why not
	optimized string    // the note on an optimised build
}

// printApp writes what the attach stop read of a running App: the App's
// options, the instance when there is no registrar to print it with, the
// routes and where the Bootstrap came from.
func (p *printer) printApp(ev tracer.Event) {
	w := p.opts.Out
	aw := &wordsFor(p.opts.Lang).app
	app := ev.App
	if app.Optimized {
		fmt.Fprintf(w, "  %s\n", aw.optimized)
	}
	if app.Note != "" {
		fmt.Fprintf(w, "  %s %s\n", aw.app, app.Note)
	} else {
		in := tracer.ServiceInstance{Metadata: app.Metadata}
		values := [5]string{app.ID, app.Name, app.Version, strings.Join(in.MetadataPairs(), " "), strings.Join(app.Endpoints, " ")}
		fmt.Fprintf(w, "  %s\n", aw.app)
		rows := [][]string{}
		for i, label := range aw.rows {
			v := values[i]
			if v == "" {
				v = "-"
			}
			rows = append(rows, []string{"    " + label, v})
		}
		writeTable(w, rows)
		if ev.Registrar == "" && ev.Instance != nil {
			fmt.Fprintf(w, "  "+aw.instance+"\n", ev.Instance.ID)
		}
	}
	if len(app.Routes) > 0 {
		fmt.Fprintf(w, "  "+aw.routes+"\n", len(app.Routes))
		rows := make([][]string, 0, len(app.Routes))
		for _, r := range app.Routes {
			rows = append(rows, []string{"    " + r.Transport, r.Method, r.Path})
		}
		writeTable(w, rows)
	}
	if app.BootstrapFrom != "" {
		fmt.Fprintf(w, "  "+aw.bootstrap+"\n", app.BootstrapFrom)
	}
}

package tui

import (
	"sort"
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// registryState is where the App's registration stands, as the Servers
// pane's registry section tells it.
type registryState int

const (
	regUnknown       registryState = iota
	regNotYet                      // a registrar is known (app.new), Register has not run
	regRegistering                 // paused at app.register, before the call
	regRegistered                  // a phase after app.register: the instance is in the registry
	regFailed                      // Register returned an error
	regDeregistering               // paused at app.deregister, before the call
	regDeregistered                // a phase after app.deregister
	regNone                        // app.register was skipped: no registrar
)

// registrySection is what the Servers pane shows below the servers: the
// registrar's kind, the registered instance and how far registration got.
type registrySection struct {
	registrar string
	instance  *tracer.ServiceInstance
	state     registryState
}

// note updates the section from one event: app.new names the registrar,
// app.register and app.deregister carry the instance, and the first phase
// after either means its call went through.
func (r *registrySection) note(ev tracer.Event) {
	if ev.Registrar != "" {
		r.registrar = sanitize(ev.Registrar)
	}
	if ev.Instance != nil {
		r.instance = sanitizeInstance(ev.Instance)
	}
	switch {
	case ev.Kind == tracer.KindError && ev.Phase == tracer.PhaseRegister:
		r.state = regFailed
		return
	case ev.Phase == tracer.PhaseRegister && ev.Skipped:
		r.state = regNone
		return
	case ev.Phase == tracer.PhaseDeregister && ev.Skipped:
		return
	case ev.Phase == tracer.PhaseRegister:
		r.state = regRegistering
		return
	case ev.Phase == tracer.PhaseDeregister:
		r.state = regDeregistering
		return
	case ev.Phase == tracer.PhaseAppNew && r.registrar != "" && r.state == regUnknown:
		r.state = regNotYet
		return
	}
	if !ev.IsPhase() {
		return
	}
	switch r.state {
	case regRegistering:
		r.state = regRegistered
	case regDeregistering:
		r.state = regDeregistered
	}
}

// sanitizeInstance returns a copy of in that is safe to draw.
func sanitizeInstance(in *tracer.ServiceInstance) *tracer.ServiceInstance {
	out := &tracer.ServiceInstance{ID: sanitize(in.ID), Name: sanitize(in.Name), Version: sanitize(in.Version)}
	for _, e := range in.Endpoints {
		out.Endpoints = append(out.Endpoints, sanitize(e))
	}
	if len(in.Metadata) > 0 {
		out.Metadata = map[string]string{}
		for k, v := range in.Metadata {
			out.Metadata[sanitize(k)] = sanitize(v)
		}
	}
	return out
}

// lines renders the section in w cells, or nothing when no registrar is
// known: the Phases pane already says why app.register was skipped.
func (r *registrySection) lines(st *styles, tx *text, w int) []string {
	if r.registrar == "" && r.state != regFailed {
		return nil
	}
	labelW := 0
	for _, l := range tx.registryLabels {
		labelW = max(labelW, textWidth(l))
	}
	row := func(label string, value string, k ink) []string {
		head := " " + st.dim.paint(padRight(label, labelW)) + "  "
		var out []string
		for i, l := range wrapText(value, max(8, w-labelW-3)) {
			if i > 0 {
				head = " " + spaces(labelW) + "  "
			}
			out = append(out, head+k.paint(l))
		}
		return out
	}
	stateInk := st.text
	switch r.state {
	case regRegistered:
		stateInk = st.stateListening
	case regFailed, regDeregistered:
		stateInk = st.stateStopped
	case regRegistering, regDeregistering:
		stateInk = st.stateStarting
	}
	out := row(tx.registryLabels[0], r.registrar+"  "+tx.registryStates[r.state], stateInk)
	in := r.instance
	if in == nil {
		return out
	}
	// An empty version and metadata are shown as such, so that an App
	// built without kratos.Version or kratos.Metadata is visible.
	id := in.ID + " · " + in.Name + " " + in.Version
	if in.Version == "" {
		id += `""`
	}
	out = append(out, row(tx.registryLabels[1], id, st.text)...)
	if len(in.Metadata) == 0 {
		out = append(out, row(tx.registryLabels[2], "{}", st.text)...)
	} else {
		keys := make([]string, 0, len(in.Metadata))
		for k := range in.Metadata {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var kv []string
		for _, k := range keys {
			kv = append(kv, k+"="+in.Metadata[k])
		}
		out = append(out, row(tx.registryLabels[2], strings.Join(kv, " "), st.text)...)
	}
	var eps []string
	for _, e := range in.Endpoints {
		eps = append(eps, displayEndpoint(e))
	}
	if len(eps) > 0 {
		out = append(out, row(tx.registryLabels[3], strings.Join(eps, " "), st.text)...)
	}
	return out
}

package servers

import (
	"sort"
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tui/internal/pane"
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

// Text.RegistryStates names each registryState: the two must have as many.
var _ = [1]struct{}{}[len(pane.Text{}.RegistryStates)-int(regNone+1)]

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
		r.registrar = pane.Sanitize(ev.Registrar)
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
	case ev.Phase == tracer.PhaseAttach && ev.Registrar != "":
		// Attached to a running App: its instance is registered already.
		r.state = regRegistered
		return
	case ev.Phase == tracer.PhaseAttach:
		r.state = regNone
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
	out := &tracer.ServiceInstance{ID: pane.Sanitize(in.ID), Name: pane.Sanitize(in.Name), Version: pane.Sanitize(in.Version)}
	for _, e := range in.Endpoints {
		out.Endpoints = append(out.Endpoints, pane.Sanitize(e))
	}
	if len(in.Metadata) > 0 {
		out.Metadata = map[string]string{}
		for k, v := range in.Metadata {
			out.Metadata[pane.Sanitize(k)] = pane.Sanitize(v)
		}
	}
	return out
}

// lines renders the section in w cells, or nothing when no registrar is
// known: the Phases pane already says why app.register was skipped.
func (r *registrySection) lines(st *pane.Styles, tx *pane.Text, w int) []string {
	if r.registrar == "" && r.state != regFailed {
		return nil
	}
	labelW := 0
	for _, l := range tx.RegistryLabels {
		labelW = max(labelW, pane.TextWidth(l))
	}
	row := func(label string, value string, k pane.Ink) []string {
		head := " " + st.Dim.Paint(pane.PadRight(label, labelW)) + "  "
		var out []string
		for i, l := range pane.WrapText(value, max(8, w-labelW-3)) {
			if i > 0 {
				head = " " + pane.Spaces(labelW) + "  "
			}
			out = append(out, head+k.Paint(l))
		}
		return out
	}
	stateInk := st.Text
	switch r.state {
	case regRegistered:
		stateInk = st.StateListening
	case regFailed, regDeregistered:
		stateInk = st.StateStopped
	case regRegistering, regDeregistering:
		stateInk = st.StateStarting
	}
	out := row(tx.RegistryLabels[0], r.registrar+"  "+tx.RegistryStates[r.state], stateInk)
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
	out = append(out, row(tx.RegistryLabels[1], id, st.Text)...)
	if len(in.Metadata) == 0 {
		out = append(out, row(tx.RegistryLabels[2], "{}", st.Text)...)
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
		out = append(out, row(tx.RegistryLabels[2], strings.Join(kv, " "), st.Text)...)
	}
	var eps []string
	for _, e := range in.Endpoints {
		eps = append(eps, displayEndpoint(e))
	}
	if len(eps) > 0 {
		out = append(out, row(tx.RegistryLabels[3], strings.Join(eps, " "), st.Text)...)
	}
	return out
}

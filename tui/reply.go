package tui

import (
	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/request"
	"github.com/kratos-trace/kratos-trace/tui/internal/pane"
)

// replyView draws a request.reply stop in the Source pane, which has no
// code to show for it (the reply is at the client, outside the program):
// the status, the timing, where it failed, the headers and the body.
func (m Model) replyView(w, h int) []string {
	ev := m.trace.last
	if ev == nil || ev.Phase != tracer.PhaseRequestReply || ev.Request == nil || ev.Request.Reply == nil {
		return nil
	}
	r := ev.Request.Reply
	st := m.st
	var out []string
	add := func(k pane.Ink, s string) {
		for _, l := range pane.WrapText(pane.Sanitize(s), max(1, w-2)) {
			out = append(out, " "+k.Paint(l))
		}
	}
	status := st.OK
	if !r.OK {
		status = st.ErrBold
	}
	add(status, ev.Request.Label()+"  "+request.StatusLine(r))
	timing := pane.Format(m.tx.ReplyLatency, r.Latency)
	if r.ServerTime > 0 {
		timing += pane.Format(m.tx.ReplyInProgram, r.ServerTime)
	}
	add(st.Dim, timing)
	if r.FailedAt != "" {
		add(st.Err, pane.Format(m.tx.ReplyFailedAt, r.FailedAt, r.FailedDetail, r.FailedWhy))
	}
	if r.Error != "" && r.Status != "" {
		add(st.Err, r.Error)
	}
	if len(r.Header) > 0 {
		out = append(out, "")
		for _, hd := range r.Header {
			add(st.Dim, hd)
		}
	}
	if r.Body != "" {
		out = append(out, "")
		add(st.Text, r.Body)
	}
	if len(out) > h {
		out = out[:h]
	}
	return out
}

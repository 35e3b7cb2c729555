package script

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/request"
)

// OpRequest sends a request to the running App: request METHOD PATH [BODY]
// or request grpc SERVICE/METHOD JSON.
const OpRequest Op = "request"

// requestLine parses a request line, whose body is the rest of the line as
// written (JSON keeps its quotes and spaces) up to a # outside a string. It
// reports false for a line that is not a request command.
func (p *lineParser) requestLine(line string) (Command, bool, error) {
	trimmed := strings.TrimLeft(line, " \t")
	word, rest, _ := strings.Cut(trimmed, " ")
	if word != string(OpRequest) {
		return Command{}, false, nil
	}
	col := len([]rune(line)) - len([]rune(trimmed)) + 1
	rest = stripComment(rest)
	if strings.TrimSpace(rest) == "" {
		return Command{}, true, p.errorf(col+len(word), "request needs METHOD PATH [BODY] or grpc SERVICE/METHOD JSON, e.g. request GET /helloworld/kratos")
	}
	spec, err := request.Parse(rest, nil)
	if err != nil {
		var se *request.SpecError
		if errors.As(err, &se) {
			return Command{}, true, p.errorf(col+len(word)+1, "%s; %s", se.Msg, se.Hint)
		}
		return Command{}, true, p.errorf(col+len(word)+1, "%v", err)
	}
	return Command{Op: OpRequest, Request: spec}, true, nil
}

// stripComment cuts s at a # that is not inside a JSON string.
func stripComment(s string) string {
	in, esc := false, false
	for i, r := range s {
		switch {
		case esc:
			esc = false
		case r == '\\' && in:
			esc = true
		case r == '"':
			in = !in
		case r == '#' && !in:
			return s[:i]
		}
	}
	return s
}

// sendRequest runs a request command: live, the request is sent and the
// script runs to the next stop it pauses at (the reply at the latest); on a
// recording, the script runs to the recording's next request, which must
// be the same one.
func (r *runner) sendRequest(ctx context.Context, cmd Command) error {
	if err := r.gate(ctx); err != nil {
		return err
	}
	at := r.st.current.Phase
	if !r.st.atStop || r.ended || !r.paused || (!tracer.IsServing(at) && at != tracer.PhaseRequestReply) {
		r.fail("a request is sent from app.running or a request's reply; here the App is not waiting for one")
		return errAbort
	}
	want := cmd.Request
	signalled := false
	// The reply pauses: past it the App waits, as at app.running.
	r.sentRequest = true
	r.breaks[tracer.PhaseRequestReply] = true
	_ = r.src.SetBreak(tracer.PhaseRequestReply, true)
	if rq, ok := r.src.(tracer.Requester); ok {
		if _, err := rq.Send(ctx, want); err != nil && !errors.Is(err, tracer.ErrUnsupported) {
			r.fail("send the request: %v", err)
			return errAbort
		} else if err == nil {
			signalled = true
			r.printf("→ %s\n", want)
		}
	}
	before := r.st.request
	if err := r.resume(ctx, signalled); err != nil {
		return err
	}
	got := r.st.request
	if got == nil || got == before || got.Transport != want.Transport || got.Method != want.Method || got.Path != want.Path {
		seen := "no request"
		if got != nil && got != before {
			seen = got.Label()
		}
		r.fail("the trace went on to %s, not to this request", seen)
		return errAbort
	}
	return nil
}

// requestValue answers the paths request.* and reply.*, of the request the
// trace is in or last replied to.
func (st *state) requestValue(p Path) (string, error) {
	rq := st.request
	if rq == nil {
		return "", fmt.Errorf("%s: no request was sent yet", p)
	}
	if p.Root == "request" {
		switch p.Field {
		case "id":
			return fmt.Sprint(rq.ID), nil
		case "transport":
			return rq.Transport, nil
		case "method":
			return rq.Method, nil
		case "path":
			return rq.Path, nil
		case "body":
			return rq.Body, nil
		case "":
			return rq.Label(), nil
		}
		return "", fmt.Errorf("%s: a request has %s", p, strings.Join(requestFields, ", "))
	}
	rep := rq.Reply
	if rep == nil {
		return "", fmt.Errorf("%s: request %s has no reply yet; it comes at request.reply", p, rq.Label())
	}
	switch p.Field {
	case "code":
		return fmt.Sprint(rep.Code), nil
	case "status":
		return rep.Status, nil
	case "ok":
		return fmt.Sprint(rep.OK), nil
	case "body":
		return rep.Body, nil
	case "message":
		return rep.Message, nil
	case "error":
		return rep.Error, nil
	case "header":
		return strings.Join(rep.Header, "\n"), nil
	case "failed_at":
		return string(rep.FailedAt), nil
	case "failed_detail":
		return rep.FailedDetail, nil
	case "":
		return request.StatusLine(rep), nil
	}
	return "", fmt.Errorf("%s: a reply has %s", p, strings.Join(replyFields, ", "))
}

// The fields of request.* and reply.* paths.
var (
	requestFields = []string{"id", "transport", "method", "path", "body"}
	replyFields   = []string{"code", "status", "ok", "body", "message", "error", "header", "failed_at", "failed_detail"}
)

// parseRequestPath parses request[.FIELD] and reply[.FIELD].
func parseRequestPath(p Path, rest string) (Path, error) {
	if rest == "" {
		return p, nil
	}
	fields := requestFields
	if p.Root == "reply" {
		fields = replyFields
	}
	field, ok := strings.CutPrefix(rest, ".")
	if !ok || !contains(fields, field) {
		return p, &PathError{len(p.Root), fmt.Sprintf("%s's fields are %s", p.Root, strings.Join(fields, ", "))}
	}
	p.Field = field
	return p, nil
}

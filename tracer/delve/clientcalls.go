package delve

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-delve/delve/service/api"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/redact"
	"github.com/kratos-trace/kratos-trace/tracer/request"
)

// kratos' client entries, by the shape of their names: the gRPC client's
// unary interceptor, which every call of a ClientConn Kratos dialled runs
// through, and the HTTP client's invoke, under Invoke.
var (
	grpcClientFunc = regexp.MustCompile(`^` + regexp.QuoteMeta(KratosModule) + `/transport/grpc\.unaryClientInterceptor\.func\d+$`)
	httpClientFunc = regexp.MustCompile(`^` + regexp.QuoteMeta(KratosModule) + `/transport/http\.\(\*Client\)\.invoke$`)
)

// clientFuncsFilter is the part of requestFuncsFilter that lists the
// clients' entries.
const clientFuncsFilter = `/transport/grpc\.unaryClientInterceptor|/transport/http\.\(\*Client\)\.invoke`

// clientRequestFunc says whether fn is a client's entry, as a request
// function of request.client.
func clientRequestFunc(fn string) (requestFunc, bool) {
	switch {
	case grpcClientFunc.MatchString(fn):
		return requestFunc{tracer.PhaseRequestClient, "grpc", fn}, true
	case httpClientFunc.MatchString(fn):
		return requestFunc{tracer.PhaseRequestClient, "http", fn}, true
	}
	return requestFunc{}, false
}

// clientCallState is what the entry of an outgoing call left for its
// return: the call as read there, and the client timeout lifted for it.
type clientCallState struct {
	call   tracer.ClientCall
	lifted *liftedTimeout
}

// enterClientCall reads, at the entry of an outgoing call (the gRPC
// client's interceptor, the HTTP client's invoke), what is called and
// through which client, with the metadata sent, and lifts the client's
// timeout for it unless the user keeps timeouts.
func (s *Session) enterClientCall(ev *tracer.Event, th *api.Thread, transport string) *clientCallState {
	scope := api.EvalScope{GoroutineID: th.GoroutineID}
	st := &clientCallState{call: tracer.ClientCall{Transport: transport}}
	c := &st.call
	if transport == "grpc" {
		c.Operation = s.stringAt(scope, "method")
		c.Target = s.stringAt(scope, "cc.target")
		c.Metadata = s.contextMetadata(scope, "ctx")
		ev.Args = s.clientArgs(scope, "req")
		// The timeout is lifted where the interceptor checks it
		// (liftCallTimeout): here its local copy is not loaded yet.
		if !s.cfg.KeepTimeouts && s.req.liftLines {
			c.TimeoutLifted = "pending"
		}
	} else {
		c.Operation = s.stringAt(scope, "req.Method") + " " + s.stringAt(scope, "req.URL.Path")
		c.Target = s.stringAt(scope, "client.opts.endpoint")
		c.Metadata = s.headerMetadata(scope, "req.Header")
		ev.Args = s.clientArgs(scope, "args")
		// The HTTP client's timeout is its http.Client's, read when the
		// request is sent: lifted there for the call, put back at its
		// return.
		if expr := s.addressed(scope, "client.cc.Timeout", "int64"); expr != "" && !s.cfg.KeepTimeouts {
			if n := s.liftAt(scope, expr); n > 0 {
				st.lifted = &liftedTimeout{expr: expr, value: n}
				c.TimeoutLifted = time.Duration(n).String()
			}
		}
	}
	ev.Detail = transport + " " + c.Operation
	call := *c
	if call.TimeoutLifted == "pending" {
		call.TimeoutLifted = ""
	}
	ev.Call = &call
	return st
}

// liftAt sets the timeout at expr to zero and returns what it was; 0 when
// there was none, or it could not be set.
func (s *Session) liftAt(scope api.EvalScope, expr string) int64 {
	v, err := s.client.EvalVariable(scope, expr, shallowLoad)
	if err != nil {
		return 0
	}
	n, ok := rawDuration(v.Value)
	if !ok || n <= 0 {
		return 0
	}
	if err := s.client.SetVariable(scope, expr, "0"); err != nil {
		debugf("lift the client's timeout %s: %v", expr, err)
		return 0
	}
	return n
}

// armClientLift sets, for the gRPC client's interceptor f (whose entry
// breakpoint is bp), a breakpoint on the line where it checks its timeout,
// `if timeout > 0 {`, found in kratos' source. A followed call stops there
// for the trace alone: the timeout, the closure's copy on the call's own
// stack, is set to zero just before it is checked, so that the call's
// context gets no deadline; the closure keeps its value for every other
// call, and nothing needs putting back.
func (s *Session) armClientLift(f requestFunc, bp *api.Breakpoint, named func(*api.Breakpoint) *api.Breakpoint) {
	if f.detail != "grpc" || s.cfg.KeepTimeouts {
		return
	}
	line, timeout, err := parseTimeoutCheck(s.sources.paths.toLocal(bp.File), bp.Line)
	if err != nil {
		debugf("the gRPC client's timeout check: %v", err)
		return
	}
	lbp, err := s.client.CreateBreakpoint(named(&api.Breakpoint{File: bp.File, Line: line}))
	if err != nil {
		debugf("the gRPC client's timeout check at %s:%d: %v", bp.File, line, err)
		return
	}
	s.req.bps[lbp.ID] = requestBP{requestFunc: f, lift: timeout}
	s.req.liftLines = true
}

// liftCallTimeout sets the client timeout an outgoing call of the followed
// request is about to check to zero, and notes it on the call.
func (s *Session) liftCallTimeout(in *inflight, h hit) {
	gid := h.thread.GoroutineID
	calls := in.open[gid]
	if len(calls) == 0 || calls[len(calls)-1].client == nil || calls[len(calls)-1].function != h.entry.Function {
		// Not a call of the followed request.
		return
	}
	st := calls[len(calls)-1].client
	if n := s.liftAt(api.EvalScope{GoroutineID: gid}, h.lift); n > 0 {
		st.call.TimeoutLifted = time.Duration(n).String()
	}
}

// returnClientCall reads, at the return of an outgoing call, the endpoint
// the selector picked, the error and the reply, and puts the client's
// timeout back.
func (s *Session) returnClientCall(ev *tracer.Event, th *api.Thread, st *clientCallState) {
	scope := api.EvalScope{GoroutineID: th.GoroutineID}
	s.restoreClientTimeout(st)
	c := st.call
	c.Endpoint = s.pickedEndpoint(scope, "p.Node")
	if c.Transport == "grpc" {
		// The metadata sent: the caller's and what the client's
		// middleware added to the call's Transport.
		c.Metadata = s.contextMetadata(scope, "ctx")
	}
	c.Error = request.ErrorOf(ev.Results)
	if reply := s.clientArgs(scope, "reply"); len(reply) > 0 {
		ev.Results = append(reply, ev.Results...)
	}
	ev.Call = &c
}

// restoreClientTimeout puts back a client timeout lifted for a call, once.
func (s *Session) restoreClientTimeout(st *clientCallState) {
	if st == nil || st.lifted == nil {
		return
	}
	scope := api.EvalScope{GoroutineID: -1}
	if err := s.client.SetVariable(scope, st.lifted.expr, strconv.FormatInt(st.lifted.value, 10)); err != nil {
		debugf("restore the client's timeout %s: %v", st.lifted.expr, err)
	}
	st.lifted = nil
}

// stringAt reads a string expression, "" when it cannot be read.
func (s *Session) stringAt(scope api.EvalScope, expr string) string {
	v, err := s.client.EvalVariable(scope, expr, shallowLoad)
	if err != nil {
		debugf("request.client: read %s: %v", expr, err)
		return ""
	}
	return v.Value
}

// addressed returns an expression for the variable at expr through its
// address, as typ: one that reaches it from any frame, for the timeout a
// call lifts and its return puts back. "" when it has no address (a
// register).
func (s *Session) addressed(scope api.EvalScope, expr, typ string) string {
	v, err := s.client.EvalVariable(scope, expr, api.LoadConfig{})
	if err != nil || v.Addr == 0 || v.Addr >= fakeAddressBase {
		debugf("request.client: the address of %s: %v", expr, err)
		return ""
	}
	return fmt.Sprintf("*(*%s)(%#x)", typ, v.Addr)
}

// clientArgs reads one argument of an outgoing call (the request or reply
// message) as the layers' arguments are read.
func (s *Session) clientArgs(scope api.EvalScope, name string) []*tracer.Node {
	v, err := s.client.EvalVariable(scope, name, argsLoad)
	if err != nil {
		debugf("request.client: read %s: %v", name, err)
		return nil
	}
	return []*tracer.Node{variableReader(s.client, scope, argLevels, argFetches).variable(name, name, v)}
}

// pickedEndpoint reads the address of the node the selector picked into
// the call's selector.Peer: a *selector.DefaultNode, or gRPC's grpcNode
// around one. "" when none was picked.
func (s *Session) pickedEndpoint(scope api.EvalScope, expr string) string {
	for range 3 {
		node, _, err := concreteValue(s.client, scope, expr)
		if err != nil {
			debugf("request.client: the node picked: %v", err)
			return ""
		}
		if v, err := s.client.EvalVariable(scope, node+".addr", shallowLoad); err == nil {
			scheme := s.stringAt(scope, node+".scheme")
			if scheme == "" {
				return v.Value
			}
			return scheme + "://" + v.Value
		}
		expr = node + ".Node"
	}
	return ""
}

// headerMetadata reads an http.Header (or gRPC metadata.MD) map at expr as
// sorted "key: value" lines, credentials masked.
func (s *Session) headerMetadata(scope api.EvalScope, expr string) []string {
	v, err := s.client.EvalVariable(scope, expr, metadataLoad)
	if err != nil {
		debugf("request.client: read %s: %v", expr, err)
		return nil
	}
	return redact.Headers(mapLines(v, nil))
}

// metadataLoad reads a context value holding metadata: the value, its map,
// and each key's list of strings.
var metadataLoad = api.LoadConfig{FollowPointers: true, MaxVariableRecurse: 4, MaxStringLen: 512, MaxArrayValues: 64, MaxStructFields: -1}

// mapLines adds the entries of a map[string][]string variable (found in v,
// or among its fields) to lines, as "key: value".
func mapLines(v *api.Variable, lines []string) []string {
	for v.Kind == reflect.Interface || v.Kind == reflect.Ptr {
		if len(v.Children) == 0 {
			return lines
		}
		v = &v.Children[0]
	}
	if v.Kind != reflect.Map {
		return lines
	}
	for i := 0; i+1 < len(v.Children); i += 2 {
		var vals []string
		for _, c := range v.Children[i+1].Children {
			vals = append(vals, c.Value)
		}
		lines = append(lines, strings.ToLower(v.Children[i].Value)+": "+strings.Join(vals, ", "))
	}
	return lines
}

// maxContextDepth bounds the walk up a context's parents.
const maxContextDepth = 48

// contextMetadata walks the context at expr up its parents and collects the
// metadata an outgoing gRPC call sends: the caller's outgoing metadata
// (grpc-go's mdOutgoingKey) and the headers of kratos' client Transport,
// which the client's middleware fills. Sorted, credentials masked.
func (s *Session) contextMetadata(scope api.EvalScope, expr string) []string {
	var lines []string
	cur := expr
	for range maxContextDepth {
		ctx, typ, err := concreteValue(s.client, scope, cur)
		if err != nil {
			break
		}
		switch {
		case typ == "context.valueCtx":
			key := s.typeOfValue(scope, ctx+".key")
			switch {
			case strings.HasSuffix(key, "grpc/metadata.mdOutgoingKey"):
				lines = s.metadataValue(scope, ctx+".val", lines, "md", "added")
			case strings.HasSuffix(key, "kratos/v2/transport.clientTransportKey"):
				lines = s.metadataValue(scope, ctx+".val", lines, "reqHeader")
			}
			cur = ctx + ".Context"
		case typ == "context.cancelCtx":
			cur = ctx + ".Context"
		case typ == "context.timerCtx":
			cur = ctx + ".cancelCtx.Context"
		case typ == "context.withoutCancelCtx":
			cur = ctx + ".c"
		case strings.HasSuffix(typ, "kratos/v2/transport/http.wrapper"):
			cur = ctx + ".req.ctx"
		default:
			return sortedMetadata(lines)
		}
	}
	return sortedMetadata(lines)
}

// sortedMetadata sorts and masks metadata lines, dropping repeats.
func sortedMetadata(lines []string) []string {
	sort.Strings(lines)
	out := lines[:0]
	for i, l := range lines {
		if i == 0 || l != lines[i-1] {
			out = append(out, l)
		}
	}
	return redact.Headers(out)
}

// typeOfValue is the dynamic type of the interface at expr.
func (s *Session) typeOfValue(scope api.EvalScope, expr string) string {
	v, err := s.client.EvalVariable(scope, expr, api.LoadConfig{MaxVariableRecurse: 0})
	if err != nil || len(v.Children) == 0 {
		return ""
	}
	return v.Children[0].Type
}

// metadataValue adds the metadata maps among the named fields of the value
// at expr (grpc-go's rawMD: md and added; kratos' Transport: reqHeader).
func (s *Session) metadataValue(scope api.EvalScope, expr string, lines []string, fields ...string) []string {
	v, err := s.client.EvalVariable(scope, expr, metadataLoad)
	if err != nil {
		return lines
	}
	for v.Kind == reflect.Interface || v.Kind == reflect.Ptr {
		if len(v.Children) == 0 {
			return lines
		}
		v = &v.Children[0]
	}
	for i := range v.Children {
		f := &v.Children[i]
		for _, name := range fields {
			if f.Name != name {
				continue
			}
			if name == "added" {
				// Pairs appended with AppendToOutgoingContext: key, value, ….
				for _, kv := range f.Children {
					for j := 0; j+1 < len(kv.Children); j += 2 {
						lines = append(lines, strings.ToLower(kv.Children[j].Value)+": "+kv.Children[j+1].Value)
					}
				}
				continue
			}
			lines = mapLines(f, lines)
		}
	}
	return lines
}

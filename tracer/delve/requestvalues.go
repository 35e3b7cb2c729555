package delve

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"github.com/go-delve/delve/service/api"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// argsLoad reads a request function's arguments in one request: three
// levels deep, enough for a request message, an *http.Request's URL and
// headers, and a context's concrete type.
var argsLoad = api.LoadConfig{FollowPointers: true, MaxVariableRecurse: 3, MaxStringLen: 512, MaxArrayValues: 16, MaxStructFields: -1}

// resultsLoad reads what a request function returned: a reply and an error,
// whose message sits a few levels down (a kratos error's Status).
var resultsLoad = api.LoadConfig{FollowPointers: true, MaxVariableRecurse: 4, MaxStringLen: 1024, MaxArrayValues: 16, MaxStructFields: -1}

// maxArgDepth bounds the tree of one argument; deeper composites are left
// Unloaded.
const maxArgDepth = 4

// fakeAddressBase is where Delve's addresses of values that are not in
// memory (registers, composites) begin.
const fakeAddressBase = 0xbeef000000000000

// namesLoad lists a function's variables with their types only.
var namesLoad = api.LoadConfig{FollowPointers: false, MaxVariableRecurse: 0, MaxStringLen: 64, MaxArrayValues: 0, MaxStructFields: 0}

// readArgs reads the arguments of the function th is stopped at the entry
// of. What a layer receives is read in full: the request message, the biz
// value; what only carries the call along is named with its type and left
// Unloaded, as reading it would cost more than the rest of the stop (a
// method's receiver with its database handle, an http.ResponseWriter, a
// context).
func (s *Session) readArgs(th *api.Thread) []*tracer.Node {
	scope := api.EvalScope{GoroutineID: th.GoroutineID}
	vars, err := s.client.ListFunctionArgs(scope, namesLoad)
	if err != nil {
		debugf("read the arguments at %s:%d: %v", th.File, th.Line, err)
		return nil
	}
	method := th.Function != nil && methodName.MatchString(th.Function.Name())
	var out []*tracer.Node
	for i := range vars {
		v := &vars[i]
		if v.Flags&api.VariableReturnArgument != 0 {
			continue
		}
		n := &tracer.Node{Name: v.Name, Type: shortType(v.Type), Expr: v.Name}
		switch {
		case method && len(out) == 0, carrierType(v.Type):
			n.Unloaded = true
		case isContextType(v.Type):
			n.Value = contextValue(v)
		default:
			full, err := s.client.EvalVariable(scope, v.Name, argsLoad)
			if err != nil {
				n.Value = "<unreadable: " + err.Error() + ">"
				break
			}
			n = varNode(full, 0)
			n.Name, n.Expr = v.Name, v.Name
		}
		out = append(out, n)
	}
	return out
}

// methodName matches a method's name, (*T).M or T.M, not a closure's.
var methodName = regexp.MustCompile(`\)\.[A-Za-z_]\w*$`)

// carrierType reports whether an argument of type t only carries a call
// along: a writer, a handler, a function.
func carrierType(t string) bool {
	switch {
	case strings.HasSuffix(t, "net/http.ResponseWriter"), strings.HasPrefix(t, "func("), strings.HasSuffix(t, "grpc.UnaryHandler"), strings.HasSuffix(t, "middleware.Handler"):
		return true
	}
	return false
}

// readResults reads the values the function th is stopped at a return of
// is returning. The variables are listed without their values first, as
// loading every argument deeply to keep only the results cost hundreds of
// milliseconds at a return; each result is then read by its name (a named
// result, or Delve's ~r0, ~r1).
func (s *Session) readResults(th *api.Thread) []*tracer.Node {
	scope := api.EvalScope{GoroutineID: th.GoroutineID}
	vars, err := s.client.ListFunctionArgs(scope, namesLoad)
	if err != nil {
		debugf("read the results at %s:%d: %v", th.File, th.Line, err)
		return nil
	}
	var out []*tracer.Node
	for i := range vars {
		v := &vars[i]
		if v.Flags&api.VariableReturnArgument == 0 {
			continue
		}
		n := &tracer.Node{Name: v.Name, Type: shortType(v.Type), Expr: v.Name}
		expr := v.Name
		if strings.HasPrefix(expr, "~") && v.Addr != 0 && v.Addr < fakeAddressBase {
			// An unnamed result has no name an expression can use: read
			// it where it is.
			expr = fmt.Sprintf("*(*%q)(%#x)", v.Type, v.Addr)
		}
		full, err := s.client.EvalVariable(scope, expr, resultsLoad)
		if err != nil {
			n.Value = "<unreadable: " + err.Error() + ">"
		} else {
			n = varNode(full, 0)
			n.Name, n.Expr = v.Name, v.Name
		}
		out = append(out, n)
	}
	return out
}

// varNode converts a value Delve read into a Node, as the Bootstrap is
// shown: proto internals hidden, durations readable; a context shows its
// concrete type only, an error its message, an *http.Request what a person
// reads of it.
func varNode(v *api.Variable, depth int) *tracer.Node {
	n := &tracer.Node{Name: v.Name, Type: shortType(v.Type)}
	fillVarNode(n, v, depth)
	return n
}

func fillVarNode(n *tracer.Node, v *api.Variable, depth int) {
	if v.Unreadable != "" {
		n.Value = "<unreadable: " + v.Unreadable + ">"
		return
	}
	if d, ok := durationOf(v); ok {
		n.Value = d
		return
	}
	if isContextType(v.Type) {
		n.Value = contextValue(v)
		return
	}
	if v.Type == "time.Time" && v.Value != "" {
		// Delve formats a time.Time itself.
		n.Value = v.Value
		return
	}
	switch v.Kind {
	case reflect.Interface:
		if isNil(v) || len(v.Children) == 0 {
			n.Value = "<nil>"
			return
		}
		inner := &v.Children[0]
		if v.Type == "error" {
			n.Value = errorText(inner)
			return
		}
		n.Type = shortType(inner.Type)
		fillVarNode(n, inner, depth)
	case reflect.Ptr:
		if isNil(v) {
			n.Value = "<nil>"
			return
		}
		inner := &v.Children[0]
		if strings.TrimPrefix(v.Type, "*") == "net/http.Request" {
			httpRequestNode(n, inner)
			return
		}
		fillVarNode(n, inner, depth)
	case reflect.Struct:
		if depth >= maxArgDepth || (len(v.Children) == 0 && v.Len > 0) {
			n.Unloaded = true
			return
		}
		for i := range v.Children {
			f := &v.Children[i]
			if protoInternals[f.Name] || strings.HasPrefix(f.Name, "XXX_") {
				continue
			}
			c := varNode(f, depth+1)
			c.Name = protoName(f.Name)
			n.Children = append(n.Children, c)
		}
		if len(n.Children) == 0 {
			n.Value = "{}"
		}
	case reflect.Slice, reflect.Array:
		if v.Len == 0 {
			n.Value = "[]"
			return
		}
		if v.Type == "[]uint8" {
			n.Value = fmt.Sprintf("%d bytes", v.Len)
			return
		}
		if depth >= maxArgDepth || len(v.Children) == 0 {
			n.Unloaded = true
			n.Value = fmt.Sprintf("len %d", v.Len)
			return
		}
		for i := range v.Children {
			c := varNode(&v.Children[i], depth+1)
			c.Name = fmt.Sprintf("[%d]", i)
			n.Children = append(n.Children, c)
		}
		n.More = int(v.Len) - len(v.Children)
	case reflect.Map:
		if v.Len == 0 {
			n.Value = "{}"
			return
		}
		for i := 0; i+1 < len(v.Children); i += 2 {
			c := varNode(&v.Children[i+1], depth+1)
			c.Name = v.Children[i].Value
			n.Children = append(n.Children, c)
		}
		n.More = int(v.Len) - len(n.Children)
	case reflect.String:
		n.Value = v.Value
		if int(v.Len) > len(v.Value) {
			n.More = int(v.Len) - len(v.Value)
		}
	case reflect.Func:
		n.Value = v.Value
		if n.Value == "" {
			n.Value = "<nil>"
		}
	case reflect.Chan:
		n.Value = shortType(v.Type)
	default:
		n.Value = v.Value
	}
}

// isContextType reports whether t is a context: its tree (a chain of
// parents, values and timers) says nothing a person looks for at a layer.
func isContextType(t string) bool {
	t = strings.TrimLeft(t, "*")
	return strings.HasPrefix(t, "context.")
}

// contextValue shows a context as its concrete type.
func contextValue(v *api.Variable) string {
	if v.Kind == reflect.Interface && len(v.Children) > 0 && !isNil(v) {
		return shortType(v.Children[0].Type)
	}
	return shortType(v.Type)
}

// errorText is the message of an error's concrete value, as far as it can
// be read without calling Error(): a kratos error's code, reason and
// message; the text of errors.New, fmt.Errorf and most error structs.
func errorText(v *api.Variable) string {
	for v.Kind == reflect.Ptr && len(v.Children) > 0 {
		if v.Children[0].Addr == 0 {
			return "<nil>"
		}
		v = &v.Children[0]
	}
	if v.Kind != reflect.Struct {
		if v.Value != "" {
			return v.Value
		}
		return shortType(v.Type)
	}
	fields := map[string]*api.Variable{}
	for i := range v.Children {
		fields[v.Children[i].Name] = &v.Children[i]
	}
	if st, ok := fields["Status"]; ok && st.Kind == reflect.Struct {
		for i := range st.Children {
			fields[st.Children[i].Name] = &st.Children[i]
		}
	}
	if code, ok := fields["Code"]; ok && fields["Reason"] != nil && fields["Message"] != nil {
		return fmt.Sprintf("%s %s: %s", code.Value, fields["Reason"].Value, fields["Message"].Value)
	}
	for _, name := range []string{"msg", "s", "message", "Message", "str", "text", "Err", "err"} {
		f, ok := fields[name]
		if !ok {
			continue
		}
		switch f.Kind {
		case reflect.String:
			return f.Value
		case reflect.Interface:
			if !isNil(f) && len(f.Children) > 0 {
				return errorText(&f.Children[0])
			}
		}
	}
	return shortType(v.Type)
}

// httpRequestNode shows an *http.Request as a person reads one: method,
// URL, protocol, host, headers, remote address.
func httpRequestNode(n *tracer.Node, v *api.Variable) {
	fields := map[string]*api.Variable{}
	for i := range v.Children {
		fields[v.Children[i].Name] = &v.Children[i]
	}
	add := func(name, value string) {
		if value != "" {
			n.Children = append(n.Children, &tracer.Node{Name: name, Type: "string", Value: value})
		}
	}
	if f := fields["Method"]; f != nil {
		add("method", f.Value)
	}
	if f := fields["URL"]; f != nil && len(f.Children) > 0 {
		parts := map[string]string{}
		for _, c := range f.Children[0].Children {
			parts[c.Name] = c.Value
		}
		u := parts["Path"]
		if parts["RawQuery"] != "" {
			u += "?" + parts["RawQuery"]
		}
		add("url", u)
	}
	for _, name := range []string{"Proto", "Host", "RemoteAddr"} {
		if f := fields[name]; f != nil {
			add(protoName(name), f.Value)
		}
	}
	if f := fields["Header"]; f != nil && f.Kind == reflect.Map {
		h := &tracer.Node{Name: "header", Type: "http.Header"}
		var keys []string
		vals := map[string]string{}
		for i := 0; i+1 < len(f.Children); i += 2 {
			var vs []string
			for _, c := range f.Children[i+1].Children {
				vs = append(vs, c.Value)
			}
			keys = append(keys, f.Children[i].Value)
			vals[f.Children[i].Value] = strings.Join(vs, ", ")
		}
		sort.Strings(keys)
		for _, k := range keys {
			h.Children = append(h.Children, &tracer.Node{Name: k, Type: "string", Value: vals[k]})
		}
		if len(h.Children) > 0 {
			n.Children = append(n.Children, h)
		}
	}
}

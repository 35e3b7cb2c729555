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

// argLevels and argFetches bound the tree of one argument or result, as
// the Variables of a stop are bounded: deeper composites are left Unloaded,
// for Inspector.Expand.
const (
	argLevels  = 3
	argFetches = 4
)

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
				n.Value = unreadableText(err.Error())
				break
			}
			if strings.TrimPrefix(full.Type, "*") == "net/http.Request" && full.Kind == reflect.Ptr && !isNil(full) {
				httpRequestNode(n, &full.Children[0])
				break
			}
			n = variableReader(s.client, scope, argLevels, argFetches).variable(v.Name, v.Name, full)
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
			n.Value = unreadableText(err.Error())
		} else {
			n = variableReader(s.client, scope, argLevels, argFetches).variable(v.Name, expr, full)
		}
		out = append(out, n)
	}
	return out
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

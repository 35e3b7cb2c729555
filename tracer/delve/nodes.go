package delve

import (
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/go-delve/delve/service/api"
	"github.com/go-delve/delve/service/rpc2"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// This file is the one converter from Delve's values to tracer.Node trees:
// the Bootstrap, a frame's arguments and locals, Eval results, watches and
// a provider's results all go through nodeReader, so that every pane shows
// values the same way: protobuf internals hidden, durations as "1s", nested
// structs read level by level, long strings and slices capped with
// Node.More, pointer cycles cut, and, below a depth budget, composite values
// left Unloaded with the Node.Expr that Inspector.Expand reads them with.

// structLoad loads one level of a value: a struct's fields, a slice's
// elements. Deeper levels are read with further, equally small, requests, so
// that nothing is truncated and nothing huge (a protobuf message's internal
// state) is loaded by accident.
var structLoad = api.LoadConfig{FollowPointers: true, MaxVariableRecurse: 1, MaxStringLen: 4096, MaxArrayValues: 256, MaxStructFields: -1}

// shallowLoad loads a value and the head of what it points to.
var shallowLoad = api.LoadConfig{FollowPointers: true, MaxVariableRecurse: 1, MaxStringLen: 1024, MaxArrayValues: 64, MaxStructFields: -1}

// stopLoad reads the variables and watches of a stop in one request per
// list: one level of structs, short strings and slices. It is what keeps a
// stop fast (two levels of the demo's servers cost tens of milliseconds of
// Delve's JSON); whatever it leaves out is read on demand (Expand).
var stopLoad = api.LoadConfig{FollowPointers: true, MaxVariableRecurse: 0, MaxStringLen: 256, MaxArrayValues: 32, MaxStructFields: -1}

// evalLoad reads what the user asked for (Eval, Expand): the same two
// levels, with longer strings and slices.
var evalLoad = api.LoadConfig{FollowPointers: true, MaxVariableRecurse: 1, MaxStringLen: 64 << 10, MaxArrayValues: 256, MaxStructFields: -1}

// maxTreeDepth bounds a config tree; real configs are a few levels deep.
const maxTreeDepth = 10

// stopLevels is how many levels below a variable a stop shows: its fields.
// Deeper composites are left Unloaded, with their Expr.
const stopLevels = 1

// evalLevels is how many levels an Eval or an Expand shows: the value's
// fields, and their fields.
const evalLevels = 2

// protoInternals are the fields protoc-gen-go adds to every message.
var protoInternals = map[string]bool{"state": true, "sizeCache": true, "unknownFields": true}

// valueStyle says how a value looks as a tree.
type valueStyle int

const (
	// configStyle is the Bootstrap's look: proto field names, strings as
	// written in the YAML, "<unset>" for a message that is not set, map
	// values on one line.
	configStyle valueStyle = iota
	// goStyle is a debugger's look at variables: Go field names, strings
	// and nil in Go syntax, every node with the expression that reads it.
	goStyle
)

// nodeReader turns Delve variables into Node trees.
type nodeReader struct {
	c     *rpc2.RPCClient
	scope api.EvalScope
	style valueStyle
	// levels is how many levels of children below the root are filled;
	// a composite below them is left Unloaded. Zero means no limit.
	levels int
	// fetches is how many further requests may be made for parts the
	// first load did not reach; a negative number means no limit. A
	// stop's reader has none, so that it costs one request per list.
	fetches int
	// load is the configuration of those further requests.
	load api.LoadConfig
}

// configReader reads a config tree (the Bootstrap) whole.
func configReader(c *rpc2.RPCClient, scope api.EvalScope) *nodeReader {
	return &nodeReader{c: c, scope: scope, style: configStyle, fetches: -1, load: structLoad}
}

// variableReader reads variables as a debugger shows them, levels deep,
// making at most fetches further requests for what the first load left out.
func variableReader(c *rpc2.RPCClient, scope api.EvalScope, levels, fetches int) *nodeReader {
	return &nodeReader{c: c, scope: scope, style: goStyle, levels: levels, fetches: fetches, load: evalLoad}
}

// readTree reads the value of expr (a struct, typically the Bootstrap) as a
// clean tree: proto field names, durations as "1s", no protobuf internals.
func readTree(c *rpc2.RPCClient, scope api.EvalScope, expr, typeName string) (*tracer.Node, error) {
	v, err := c.EvalVariable(scope, expr, structLoad)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", expr, err)
	}
	root := &tracer.Node{Name: shortType(typeName), Type: shortType(typeName)}
	configReader(c, scope).fill(root, expr, v, 0, 0, nil)
	return root, nil
}

// variable turns v, the value of expr, into a node named name.
func (r *nodeReader) variable(name, expr string, v *api.Variable) *tracer.Node {
	n := &tracer.Node{Name: name, Type: r.typeOf(v)}
	r.fill(n, expr, v, 0, 0, nil)
	return n
}

// eval evaluates expr and returns its value as a node named name.
func (r *nodeReader) eval(name, expr string, cfg api.LoadConfig) (*tracer.Node, error) {
	return r.evalAs(name, expr, expr, cfg)
}

// evalAs asks Delve for ask, an expression of the same value as expr that
// it reads faster, and returns the value as a node named name whose
// expressions are written from expr.
func (r *nodeReader) evalAs(name, expr, ask string, cfg api.LoadConfig) (*tracer.Node, error) {
	v, err := r.c.EvalVariable(r.scope, ask, cfg)
	if err != nil {
		return nil, err
	}
	return r.variable(name, expr, v), nil
}

// fill fills n from v, the value of expr. depth counts every step down,
// pointers included, and bounds a config tree; level counts the levels of
// children, which the budget of a variable is in. seen maps what the
// pointers on the way down point to (address and type) to the expression
// of each, to cut cycles.
func (r *nodeReader) fill(n *tracer.Node, expr string, v *api.Variable, depth, level int, seen map[string]string) {
	if r.style == goStyle {
		n.Expr = expr
	}
	if r.style == configStyle && depth > maxTreeDepth {
		n.Value = "…"
		return
	}
	if notLoaded(v) {
		// Deeper than the load went.
		loaded, ok := r.fetch(n, expr, v, level)
		if !ok {
			return
		}
		v = loaded
	}
	if v.Unreadable != "" {
		n.Value = r.unreadable(v)
		return
	}
	if d, ok := durationOf(v); ok {
		n.Value = d
		return
	}
	switch v.Kind {
	case reflect.Ptr:
		r.fillPointer(n, expr, v, depth, level, seen)
	case reflect.Struct:
		if v.Value != "" {
			// A value Delve formats itself, e.g. a time.Time.
			n.Value = v.Value
			return
		}
		if v.Len == 0 {
			// struct{}: nothing to read later. A variable shows it as
			// Go writes it, as Node.Inline does, not as an empty value.
			if r.style == goStyle {
				n.Value = "{}"
			}
			return
		}
		if r.atBudget(level) {
			n.Unloaded = true
			return
		}
		message := isMessage(v)
		for i := range v.Children {
			f := &v.Children[i]
			if r.internal(f, message) {
				continue
			}
			name := f.Name
			if r.style == configStyle {
				name = protoName(f.Name)
			}
			child := &tracer.Node{Name: name, Type: r.typeOf(f)}
			r.fill(child, fieldExpr(expr, f.Name), f, depth+1, level+1, seen)
			n.Children = append(n.Children, child)
		}
	case reflect.Slice, reflect.Array:
		if v.Kind == reflect.Slice && v.Len == 0 {
			n.Value = "[]"
			if r.style == goStyle && v.Base == 0 {
				n.Value = "nil"
			}
			return
		}
		if r.atBudget(level) {
			n.Unloaded = true
			return
		}
		for i := range v.Children {
			child := &tracer.Node{Name: fmt.Sprintf("[%d]", i), Type: r.typeOf(&v.Children[i])}
			r.fill(child, indexExpr(expr, strconv.Itoa(i)), &v.Children[i], depth+1, level+1, seen)
			n.Children = append(n.Children, child)
		}
		if more := int(v.Len) - len(v.Children); more > 0 {
			n.More = more
		}
	case reflect.Map:
		r.fillMap(n, expr, v, depth, level, seen)
	case reflect.Interface:
		if len(v.Children) == 0 || v.Children[0].Kind == reflect.Invalid {
			n.Value = "<nil>"
			if r.style == goStyle {
				n.Value = "nil"
			}
			return
		}
		inner := &v.Children[0]
		if r.style == goStyle && v.Type == "error" {
			n.Value = r.errorValue(v)
		}
		r.fill(n, expr, inner, depth+1, level, seen)
	default:
		n.Value = r.leaf(v)
		if v.Kind == reflect.String && int(v.Len) > len(v.Value) {
			n.More = int(v.Len) - len(v.Value)
		}
	}
}

// fillPointer fills n from the pointer v: a pointer is shown as what it
// points to, as GoLand and VS Code show it.
func (r *nodeReader) fillPointer(n *tracer.Node, expr string, v *api.Variable, depth, level int, seen map[string]string) {
	if len(v.Children) == 0 || v.Children[0].Addr == 0 {
		n.Value = "<unset>"
		if r.style == goStyle {
			n.Value = "nil"
		}
		return
	}
	inner := &v.Children[0]
	// A struct and its first field share an address: the type tells them
	// apart.
	key := fmt.Sprintf("%#x %s", inner.Addr, inner.Type)
	if r.style == goStyle {
		if at, ok := seen[key]; ok {
			n.Value = "<cycle: " + at + ">"
			return
		}
		seen = with(seen, key, expr)
	}
	if inner.OnlyAddr || (inner.Kind == reflect.Struct && len(inner.Children) == 0 && inner.Len > 0) {
		loaded, ok := r.fetch(n, "*"+expr, inner, level)
		if !ok {
			return
		}
		inner = loaded
	}
	innerExpr := "(*" + expr + ")"
	if r.style == goStyle && inner.Kind == reflect.Struct {
		// Delve, like Go, selects a field through a pointer.
		innerExpr = expr
	}
	r.fill(n, innerExpr, inner, depth+1, level, seen)
	if r.style == goStyle {
		n.Expr = expr
	}
}

// fillMap fills n from the map v. A config map (string to string, such as
// metadata) has its values on one line; a variable's values are nodes.
func (r *nodeReader) fillMap(n *tracer.Node, expr string, v *api.Variable, depth, level int, seen map[string]string) {
	if v.Len == 0 {
		n.Value = "{}"
		if r.style == goStyle && v.Base == 0 {
			n.Value = "nil"
		}
		return
	}
	if r.atBudget(level) {
		n.Unloaded = true
		return
	}
	for i := 0; i+1 < len(v.Children); i += 2 {
		key, val := &v.Children[i], &v.Children[i+1]
		if r.style == configStyle {
			child := &tracer.Node{Name: key.Value, Type: shortType(val.Type)}
			child.Value = leafValue(val)
			n.Children = append(n.Children, child)
			continue
		}
		child := &tracer.Node{Name: r.leaf(key), Type: r.typeOf(val)}
		childExpr := ""
		switch key.Kind {
		case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			childExpr = indexExpr(expr, r.leaf(key))
		}
		r.fill(child, childExpr, val, depth+1, level+1, seen)
		if childExpr == "" {
			// No expression reads this value again: it stays as read.
			child.Expr, child.Unloaded = "", false
		}
		n.Children = append(n.Children, child)
	}
	if more := int(v.Len) - len(v.Children)/2; more > 0 {
		n.More = more
	}
}

// fetch reads ask, the expression of v, a value at level that the load
// left out, with a request of its own. When the budget allows no request,
// or the request fails, it marks n Unloaded or unreadable and reports
// false.
func (r *nodeReader) fetch(n *tracer.Node, ask string, v *api.Variable, level int) (*api.Variable, bool) {
	if !r.mayFetch(level) && !(leafLike(v) && r.fetches != 0) {
		n.Unloaded = true
		return nil, false
	}
	loaded, err := r.c.EvalVariable(r.scope, ask, r.load)
	if err != nil {
		n.Value = unreadableText(err.Error())
		return nil, false
	}
	r.fetches--
	return loaded, true
}

// atBudget reports whether a composite at level is below the depth budget,
// so that its children are not shown yet.
func (r *nodeReader) atBudget(level int) bool {
	return r.levels > 0 && level >= r.levels
}

// mayFetch reports whether a part the load left out may be read now.
func (r *nodeReader) mayFetch(level int) bool {
	return r.fetches != 0 && !r.atBudget(level)
}

// internal reports whether a struct field is protobuf machinery rather than
// data: a config tree drops the names protoc-gen-go uses; a variable drops
// them only in a protobuf message, so that a field of the user's own
// called state still shows.
func (r *nodeReader) internal(f *api.Variable, message bool) bool {
	if strings.HasPrefix(f.Name, "XXX_") {
		return true
	}
	return protoInternals[f.Name] && (r.style == configStyle || message)
}

// isMessage reports whether the struct v is a message protoc-gen-go
// generated: its state is protoimpl's MessageState.
func isMessage(v *api.Variable) bool {
	for _, f := range v.Children {
		if f.Name == "state" && strings.HasSuffix(f.Type, ".MessageState") {
			return true
		}
	}
	return false
}

// leafLike reports whether v, a struct or a pointer to one, reads as one
// value rather than as fields: a duration, a time. Such a value is read even
// below the depth budget, so that a timeout shows as 1s, not as {…}.
func leafLike(v *api.Variable) bool {
	t := strings.TrimPrefix(v.Type, "*")
	return strings.HasSuffix(t, "durationpb.Duration") || t == "time.Time"
}

// typeOf is the short type of v as a node shows it; an interface names the
// dynamic type it holds too: error(*errors.errorString).
func (r *nodeReader) typeOf(v *api.Variable) string {
	t := shortType(v.Type)
	if r.style == goStyle && v.Kind == reflect.Interface && len(v.Children) > 0 && v.Children[0].Kind != reflect.Invalid {
		if inner := shortType(v.Children[0].Type); inner != "" && inner != t {
			t += "(" + inner + ")"
		}
	}
	return t
}

// unreadable says why v could not be read.
func (r *nodeReader) unreadable(v *api.Variable) string {
	if r.style == configStyle {
		return "<unreadable>"
	}
	return unreadableText(v.Unreadable)
}

// optimisedAwayPattern matches Delve's words for a variable an optimised
// build keeps in no register and no memory at the current pc.
// A register of size 0 is one the frame's unwound registers lack: the value
// lived in it in the callee and was never saved.
var optimisedAwayPattern = regexp.MustCompile(`could not find symbol value for|could not find loclist entry|empty OP stack|no location list|optimized out|from register \d+ \(size: 0\)`)

// unreadableText shows why a value could not be read: tracer.OptimisedAway
// when the optimiser left it nowhere, Delve's reason otherwise.
func unreadableText(msg string) string {
	if optimisedAwayPattern.MatchString(msg) {
		return tracer.OptimisedAway
	}
	return "<unreadable: " + tracer.OneLine(msg, 0) + ">"
}

// leaf formats a scalar: as in a config (configStyle), or in Go syntax.
func (r *nodeReader) leaf(v *api.Variable) string {
	if r.style == configStyle {
		return leafValue(v)
	}
	if v.Unreadable != "" {
		return r.unreadable(v)
	}
	if d, ok := durationOf(v); ok {
		return d
	}
	switch v.Kind {
	case reflect.String:
		return strconv.Quote(v.Value)
	case reflect.Func:
		if v.Base == 0 && v.Value == "" {
			return "nil"
		}
		return shortFunc(v.Value)
	case reflect.Chan:
		if v.Base == 0 {
			return "nil"
		}
		var length, capacity string
		for _, c := range v.Children {
			switch c.Name {
			case "qcount":
				length = c.Value
			case "dataqsiz":
				capacity = c.Value
			}
		}
		return fmt.Sprintf("chan (len %s, cap %s)", orZero(length), orZero(capacity))
	case reflect.UnsafePointer:
		if len(v.Children) > 0 {
			return fmt.Sprintf("unsafe.Pointer(%#x)", v.Children[0].Addr)
		}
	case reflect.Complex64, reflect.Complex128:
		if len(v.Children) == 2 {
			return fmt.Sprintf("(%s+%si)", v.Children[0].Value, v.Children[1].Value)
		}
	}
	return v.Value
}

func orZero(s string) string {
	if s == "" {
		return "0"
	}
	return s
}

// errorValue is the text of the error interface v as Go prints it (see
// errorFormatter), reading wrapped errors the first load left out; no
// code of the program runs, so a type it does not know is partial.
func (r *nodeReader) errorValue(v *api.Variable) string {
	var load func(string) (*api.Variable, error)
	if r.c != nil {
		load = func(e string) (*api.Variable, error) { return r.c.EvalVariable(r.scope, e, errorTextLoad) }
	}
	text, _ := readErrorValue(load, nil, v)
	return text
}

// with returns seen with key added; the map of the caller is left as it
// was, so that siblings do not see each other's paths.
func with(seen map[string]string, key, expr string) map[string]string {
	out := make(map[string]string, len(seen)+1)
	for k, v := range seen {
		out[k] = v
	}
	out[key] = expr
	return out
}

// simpleExpr matches an expression a selector or an index can be appended
// to without parentheses: names, fields, indexes.
var simpleExpr = regexp.MustCompile(`^[\pL_][\pL\pN_]*(\.[\pL_][\pL\pN_]*|\[[^\[\]]*\])*$`)

// fieldExpr is the expression of field f of the value of expr.
func fieldExpr(expr, f string) string {
	if expr == "" {
		return ""
	}
	if simpleExpr.MatchString(expr) {
		return expr + "." + f
	}
	return "(" + expr + ")." + f
}

// indexExpr is the expression of element i of the value of expr.
func indexExpr(expr, i string) string {
	if expr == "" {
		return ""
	}
	if simpleExpr.MatchString(expr) {
		return expr + "[" + i + "]"
	}
	return "(" + expr + ")[" + i + "]"
}

// notLoaded reports whether v is a composite whose contents Delve left out
// because of the load depth.
func notLoaded(v *api.Variable) bool {
	switch v.Kind {
	case reflect.Struct, reflect.Slice, reflect.Array, reflect.Map:
		return v.Len > 0 && len(v.Children) == 0
	case reflect.Interface:
		return len(v.Children) > 0 && v.Children[0].OnlyAddr
	}
	return false
}

// leafValue formats a scalar as a person would write it in a config.
func leafValue(v *api.Variable) string {
	if v.Unreadable != "" {
		return "<unreadable>"
	}
	if d, ok := durationOf(v); ok {
		return d
	}
	return v.Value
}

// durationOf formats v if it is a time.Duration or a protobuf Duration.
func durationOf(v *api.Variable) (string, bool) {
	switch {
	case v.Type == "time.Duration":
		n, ok := rawDuration(v.Value)
		if !ok {
			return "", false
		}
		return time.Duration(n).String(), true
	case strings.HasSuffix(v.Type, "durationpb.Duration") && v.Kind == reflect.Struct:
		var secs, nanos int64
		found := false
		for _, f := range v.Children {
			switch f.Name {
			case "Seconds":
				secs, _ = strconv.ParseInt(f.Value, 10, 64)
				found = true
			case "Nanos":
				nanos, _ = strconv.ParseInt(f.Value, 10, 64)
			}
		}
		if !found {
			return "", false
		}
		return (time.Duration(secs)*time.Second + time.Duration(nanos)).String(), true
	}
	return "", false
}

// rawDuration reads a time.Duration as Delve formats it: "1000000000", or
// "Second (1000000000)" when it equals a named constant.
func rawDuration(value string) (int64, bool) {
	if i := strings.LastIndexByte(value, '('); i >= 0 && strings.HasSuffix(value, ")") {
		value = value[i+1 : len(value)-1]
	}
	n, err := strconv.ParseInt(strings.TrimSpace(value), 10, 64)
	return n, err == nil
}

// protoName turns a Go field name generated by protoc-gen-go back into the
// proto field name: ReadTimeout → read_timeout, Http → http.
func protoName(goName string) string {
	var b strings.Builder
	runes := []rune(goName)
	for i, r := range runes {
		if unicode.IsUpper(r) {
			prevLower := i > 0 && (unicode.IsLower(runes[i-1]) || unicode.IsDigit(runes[i-1]))
			nextLower := i > 0 && i+1 < len(runes) && unicode.IsLower(runes[i+1]) && unicode.IsUpper(runes[i-1])
			if prevLower || nextLower {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// packagePath matches the import path of a package in a type name.
var packagePath = regexp.MustCompile(`((?:[\w.~-]+/)+)([\w~-]+)\.`)

// shortType names the packages in a type name by their names rather than
// their import paths: *github.com/x/internal/conf.Server_HTTP →
// *conf.Server_HTTP, map[string]*github.com/go-kratos/kratos/v2.App →
// map[string]*kratos.App.
func shortType(t string) string {
	return packagePath.ReplaceAllStringFunc(t, func(m string) string {
		sub := packagePath.FindStringSubmatch(m)
		return defaultImportName(sub[1]+sub[2]) + "."
	})
}

// shortFunc names a function by its package's name rather than its path:
// github.com/go-kratos/kratos/v2.(*App).Run → kratos.(*App).Run.
func shortFunc(fn string) string {
	pkg := funcPackage(fn)
	if pkg == "" {
		return fn
	}
	return defaultImportName(pkg) + fn[len(pkg):]
}

// funcPackage is the import path of a function's package, e.g.
// "github.com/go-kratos/kratos/v2" for
// "github.com/go-kratos/kratos/v2.(*App).Run", "main" for "main.main";
// "" for a name without a package.
func funcPackage(fn string) string {
	slash := strings.LastIndexByte(fn, '/')
	dot := strings.IndexByte(fn[slash+1:], '.')
	if dot < 0 {
		return ""
	}
	return fn[:slash+1+dot]
}

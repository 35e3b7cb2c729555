package delve

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"sort"
	"strings"
	"sync"

	"github.com/go-delve/delve/service/api"
)

// Watches are evaluated at every stop, and Delve finds a package-level name
// (main.flagconf) by scanning every package variable, function and constant
// of the program, which costs milliseconds each time, and most of all for a
// name that is not there (a watch of a local, at a stop in another
// function). globalCache resolves each such name once per session: a package
// variable to an expression of its address, which Delve reads at once; a
// name that is nowhere to the error Delve would give.

// globalCache remembers what the package-level names of watches are.
type globalCache struct {
	mu   sync.Mutex
	refs map[string]globalRef
}

// globalRef is what a package-level name resolved to.
type globalRef struct {
	// expr reads the variable by its address; "" when the name is not a
	// variable (a function, a constant), which Delve is left to evaluate.
	expr string
	// missing: nothing in the program has the name.
	missing bool
}

// operandRoot is a name an expression starts from: x in x.f[0], or the
// qualified pkg.V in len(pkg.V).
type operandRoot struct {
	start, end int // byte offsets of the name in the expression
	name       string
	// sel is set for a qualified name: name.sel.
	sel string
}

// watchExpr returns what to ask Delve for a watch in frame i of goroutine
// gid, in function fn, whose variables are named in vars: expr with its
// package variables read by address. When the watch names something that does not exist there, it
// returns the error text instead. Expressions it does not understand are
// returned as they are, for Delve.
func (s *Session) watchExpr(gid int64, i int, fn string, vars map[string]bool, expr string) (string, string) {
	roots, ok := operandRoots(expr)
	if !ok {
		return expr, ""
	}
	type splice struct {
		start, end int
		text       string
	}
	var splices []splice
	for _, r := range roots {
		if vars[r.name] {
			continue // a local or an argument: Delve finds those at once
		}
		spec, key := r.name, funcPackage(fn)+"."+r.name
		if r.sel != "" {
			spec = r.name + "." + r.sel
			key = spec
		}
		ref := s.insp.globals.resolve(key, func() globalRef { return s.resolveGlobal(gid, i, spec) })
		switch {
		case ref.missing:
			return "", symbolNotFound(spec, fn)
		case ref.expr != "":
			splices = append(splices, splice{r.start, r.end, ref.expr})
		}
	}
	sort.Slice(splices, func(i, j int) bool { return splices[i].start > splices[j].start })
	for _, sp := range splices {
		expr = expr[:sp.start] + sp.text + expr[sp.end:]
	}
	return expr, ""
}

// resolve returns the cached resolution of key, making it with find once.
func (c *globalCache) resolve(key string, find func() globalRef) globalRef {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ref, ok := c.refs[key]; ok {
		return ref
	}
	if c.refs == nil {
		c.refs = map[string]globalRef{}
	}
	ref := find()
	c.refs[key] = ref
	return ref
}

// resolveGlobal asks Delve what spec, a name that is no local of frame i
// of goroutine gid, is there.
func (s *Session) resolveGlobal(gid int64, i int, spec string) globalRef {
	v, err := s.client.EvalVariable(api.EvalScope{GoroutineID: gid, Frame: i}, spec, api.LoadConfig{})
	switch {
	case err != nil && strings.Contains(err.Error(), "could not find symbol"):
		return globalRef{missing: true}
	case err != nil, v.Addr == 0, v.Kind == reflect.Func, v.Flags&(api.VariableConstant|api.VariableFakeAddress|api.VariableCPURegister) != 0:
		return globalRef{}
	}
	return globalRef{expr: fmt.Sprintf("(*(*%q)(%#x))", v.Type, v.Addr)}
}

// operandRoots lists the names expr reads values from, leaving out the
// functions it calls and the types it converts to. It fails for what it
// does not know, so that such an expression goes to Delve untouched.
func operandRoots(expr string) ([]operandRoot, bool) {
	e, err := parser.ParseExpr(expr)
	if err != nil {
		return nil, false
	}
	var roots []operandRoot
	ok := true
	offset := func(p token.Pos) int { return int(p) - 1 }
	var walk func(e ast.Expr)
	walk = func(e ast.Expr) {
		if e == nil || !ok {
			return
		}
		switch e := e.(type) {
		case *ast.Ident:
			switch e.Name {
			case "true", "false", "nil", "iota":
				return
			}
			roots = append(roots, operandRoot{start: offset(e.Pos()), end: offset(e.End()), name: e.Name})
		case *ast.SelectorExpr:
			if id, isIdent := e.X.(*ast.Ident); isIdent {
				roots = append(roots, operandRoot{start: offset(id.Pos()), end: offset(e.Sel.End()), name: id.Name, sel: e.Sel.Name})
				return
			}
			walk(e.X)
		case *ast.IndexExpr:
			walk(e.X)
			walk(e.Index)
		case *ast.SliceExpr:
			walk(e.X)
			walk(e.Low)
			walk(e.High)
			walk(e.Max)
		case *ast.StarExpr:
			walk(e.X)
		case *ast.UnaryExpr:
			walk(e.X)
		case *ast.BinaryExpr:
			walk(e.X)
			walk(e.Y)
		case *ast.ParenExpr:
			walk(e.X)
		case *ast.CallExpr:
			// The callee is a builtin (len, cap) or a type: not a value.
			for _, a := range e.Args {
				walk(a)
			}
		case *ast.TypeAssertExpr:
			walk(e.X)
		case *ast.BasicLit:
		default:
			ok = false
		}
	}
	walk(e)
	return roots, ok
}

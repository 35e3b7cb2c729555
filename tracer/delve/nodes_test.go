package delve

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/go-delve/delve/service/api"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// These tests feed the converter values shaped as Delve returns them, for
// the cases a demo run does not reach on every machine (cycles, caps); the
// tests in inspect_test.go read the real demo.

func str(name, value string, length int64) api.Variable {
	return api.Variable{Name: name, Type: "string", Kind: reflect.String, Value: value, Len: length}
}

func TestVariableNodes(t *testing.T) {
	// A linked node whose next pointer comes back to itself.
	self := api.Variable{Name: "", Type: "main.node", Kind: reflect.Struct, Addr: 0xc0, Len: 2}
	self.Children = []api.Variable{
		str("name", "a", 1),
		{Name: "next", Type: "*main.node", Kind: reflect.Ptr, Children: []api.Variable{{Type: "main.node", Kind: reflect.Struct, Addr: 0xc0, Len: 2, Children: []api.Variable{str("name", "a", 1)}}}},
	}
	root := api.Variable{Name: "n", Type: "*main.node", Kind: reflect.Ptr, Children: []api.Variable{self}}
	r := &nodeReader{style: goStyle, fetches: 0}
	n := r.variable("n", "n", &root)
	next := n.Lookup("next")
	if next == nil || next.Value != "<cycle: n>" || len(next.Children) != 0 {
		t.Errorf("the cycle is not cut: %+v", next)
	}

	// Caps: a long string and a long slice say what they left out.
	list := api.Variable{Name: "xs", Type: "[]string", Kind: reflect.Slice, Len: 40, Base: 0x1, Children: []api.Variable{str("", "x", 1), str("", "y", 1)}}
	long := str("s", strings.Repeat("z", 10), 5000)
	ln := r.variable("xs", "xs", &list)
	sn := r.variable("s", "s", &long)
	if ln.More != 38 || len(ln.Children) != 2 || ln.Children[1].Expr != "xs[1]" || ln.Children[1].Value != `"y"` {
		t.Errorf("slice = %+v", ln)
	}
	if sn.More != 4990 || sn.Value != `"zzzzzzzzzz"` {
		t.Errorf("string = %+v", sn)
	}

	// A protobuf message hides its machinery; a struct of the user's own
	// keeps a field called state. Durations read as durations.
	msg := api.Variable{Type: "*conf.Server_HTTP", Kind: reflect.Ptr, Children: []api.Variable{{Type: "conf.Server_HTTP", Kind: reflect.Struct, Addr: 0x10, Len: 4, Children: []api.Variable{
		{Name: "state", Type: "google.golang.org/protobuf/internal/impl.MessageState", Kind: reflect.Struct},
		{Name: "sizeCache", Type: "int32", Kind: reflect.Int32, Value: "0"},
		str("Addr", ":8000", 5),
		{Name: "Wait", Type: "time.Duration", Kind: reflect.Int64, Value: "1500000000"},
	}}}}
	mn := r.variable("c", "c", &msg)
	if got := names(mn.Children); !slices.Equal(got, []string{"Addr", "Wait"}) {
		t.Errorf("message fields %v", got)
	}
	if w := mn.Lookup("Wait"); w.Value != "1.5s" || w.Expr != "c.Wait" {
		t.Errorf("duration = %+v", w)
	}
	own := api.Variable{Type: "main.machine", Kind: reflect.Struct, Len: 1, Children: []api.Variable{str("state", "idle", 4)}}
	if on := r.variable("m", "m", &own); len(on.Children) != 1 || on.Children[0].Name != "state" {
		t.Errorf("a user's state field is hidden: %+v", on)
	}

	// Below the budget a composite is left unloaded, with its expression.
	deep := api.Variable{Type: "main.outer", Kind: reflect.Struct, Len: 1, Children: []api.Variable{
		{Name: "in", Type: "main.inner", Kind: reflect.Struct, Len: 3},
	}}
	dn := (&nodeReader{style: goStyle, levels: 1}).variable("o", "(*p).o", &deep)
	if in := dn.Children[0]; !in.Unloaded || in.Expr != "((*p).o).in" {
		t.Errorf("unloaded child = %+v", in)
	}

	// An error names its dynamic type and reads its message where the
	// errors package keeps it.
	e := api.Variable{Name: "err", Type: "error", Kind: reflect.Interface, Children: []api.Variable{{Type: "*errors.errorString", Kind: reflect.Ptr, Children: []api.Variable{{Type: "errors.errorString", Kind: reflect.Struct, Addr: 0x20, Len: 1, Children: []api.Variable{str("s", "boom", 4)}}}}}}
	en := r.variable("err", "err", &e)
	if en.Type != "error(*errors.errorString)" || en.Value != "boom" {
		t.Errorf("error = %+v", en)
	}
	var nilErr = api.Variable{Name: "err", Type: "error", Kind: reflect.Interface, Children: []api.Variable{{Kind: reflect.Invalid}}}
	if nn := r.variable("err", "err", &nilErr); nn.Value != "nil" || nn.Type != "error" {
		t.Errorf("nil error = %+v", nn)
	}
}

func names(ns []*tracer.Node) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Name)
	}
	return out
}

func TestTypeAndFunctionNames(t *testing.T) {
	for in, want := range map[string]string{
		"*github.com/go-kratos/kratos/v2.App":                        "*kratos.App",
		"map[string]*github.com/x/internal/conf.Server":              "map[string]*conf.Server",
		"github.com/go-kratos/kratos/v2/transport/grpc.Server":       "grpc.Server",
		"google.golang.org/protobuf/types/known/durationpb.Duration": "durationpb.Duration",
		"func(context.Context) error":                                "func(context.Context) error",
	} {
		if got := shortType(in); got != want {
			t.Errorf("shortType(%s) = %s, want %s", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"github.com/go-kratos/kratos/v2.(*App).Run":                       "kratos.(*App).Run",
		"github.com/kratos-trace/kratos-trace/demo/internal/data.NewData": "data.NewData",
		"main.newApp": "main.newApp",
	} {
		if got := shortFunc(in); got != want {
			t.Errorf("shortFunc(%s) = %s, want %s", in, got, want)
		}
	}
	for in, want := range map[[2]string]string{
		{"a", "opts"}:        "a.opts",
		{"a.opts[0]", "x"}:   "a.opts[0].x",
		{"*p", "x"}:          "(*p).x",
		{"m[\"k\"]", "x"}:    "m[\"k\"].x",
		{"len(a.s)", "Kind"}: "(len(a.s)).Kind",
	} {
		if got := fieldExpr(in[0], in[1]); got != want {
			t.Errorf("fieldExpr(%s, %s) = %s, want %s", in[0], in[1], got, want)
		}
	}
}

func TestEvalErrorText(t *testing.T) {
	for in, want := range map[string]string{
		"could not find symbol value for bc":     `could not find symbol "bc" in kratos.(*App).Run`,
		"could not find symbol a.opts":           `could not find symbol "a.opts" in kratos.(*App).Run`,
		"1:3: expected 'IDENT', found newline\n": "1:3: expected 'IDENT', found newline",
	} {
		if got := evalErrorText(errors.New(in), "github.com/go-kratos/kratos/v2.(*App).Run"); got != want {
			t.Errorf("%q → %q, want %q", in, got, want)
		}
	}
}

func TestOperandRoots(t *testing.T) {
	for expr, want := range map[string][]string{
		"main.flagconf":                   {"main.flagconf"},
		"len(a.opts.servers)":             {"a.opts"},
		"a.opts.servers[i] == nil":        {"a.opts", "i"},
		"string(bc.Data.Database.Source)": {"bc.Data"},
		"(*conf.Bootstrap)(p)":            {"p"},
		"x.(*errors.errorString).s":       {"x"},
		"flagconf + \"/x\"":               {"flagconf"},
	} {
		roots, ok := operandRoots(expr)
		var got []string
		for _, r := range roots {
			g := r.name
			if r.sel != "" {
				g += "." + r.sel
			}
			if expr[r.start:r.end] != g {
				t.Errorf("%s: root %s spans %q", expr, g, expr[r.start:r.end])
			}
			got = append(got, g)
		}
		if !ok || !slices.Equal(got, want) {
			t.Errorf("operandRoots(%s) = %v, %v; want %v", expr, got, ok, want)
		}
	}
	if _, ok := operandRoots(`x.(*"github.com/a/b".T)`); ok {
		t.Error("Delve's own syntax is not left to Delve")
	}
}

func TestBreakLocationForms(t *testing.T) {
	for _, ok := range []string{"main.newApp", "NewData", "biz.(*GreeterUsecase).CreateGreeter", "internal/biz/greeter.go:42", "/abs/x.go:1", "github.com/a/b/biz.F"} {
		if err := checkLoc(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for bad, want := range map[string]string{
		"":                          "a breakpoint needs a location",
		"greeter.go":                "greeter.go names no line",
		"internal/biz/greeter.go:0": "internal/biz/greeter.go has no line 0",
		"main.new App":              `"main.new App" is not a location: it holds a space`,
	} {
		var ue *UserError
		if err := checkLoc(bad); !errors.As(err, &ue) || ue.Msg != want || ue.Hint == "" {
			t.Errorf("checkLoc(%q) = %v, want %q with a hint", bad, err, want)
		}
	}
	if got := closest("main.newAp", []string{"main.main", "main.newApp", "main.wireApp"}); got != "main.newApp" {
		t.Errorf("closest = %q", got)
	}
	if got := closest("nothing.like", []string{"main.main"}); got != "" {
		t.Errorf("a far name is suggested: %q", got)
	}
}

// TestWatchExprForms: a --watch that Delve could not parse is said before
// anything is built, at its column; Delve's own forms pass.
func TestWatchExprForms(t *testing.T) {
	for _, ok := range []string{"main.flagconf", "len(a.opts.servers)", "a.opts.servers[0]", `"github.com/go-kratos/kratos/v2".Version`, "*(*int)(0xc000010000)", "x.(*data.Data)", "m[\"k\"]"} {
		if err := CheckWatchExprs([]string{ok}); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for bad, want := range map[string]string{
		" ":                  "nothing to watch",
		"len(a.opts.servers": "len(a.opts.servers is not a Go expression: at column 19, missing ',' before newline in argument list",
		"a.opts.":            "a.opts. is not a Go expression: at column 8, expected selector or type assertion, found its end",
	} {
		var ue *UserError
		if err := CheckWatchExprs([]string{"main.flagconf", bad}); !errors.As(err, &ue) || ue.Msg != want || ue.Hint == "" {
			t.Errorf("CheckWatchExprs(%q) = %v, want %q with a hint", bad, err, want)
		}
	}
}

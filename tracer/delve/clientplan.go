package delve

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// clientSite is a place in kratos' client code where a discovery phase
// stops, and what to read there.
type clientSite struct {
	// transport is "grpc" or "http".
	transport string
	// optionsVar, at discovery.dial, is the local holding the applied
	// clientOptions ("options").
	optionsVar string
	// recvVar, listVar and acceptedVar, at discovery.update, are the
	// resolver ("r"), the instance list received ("ins", "services") and
	// what Kratos kept of it ("addrs", "nodes").
	recvVar, listVar, acceptedVar string
	// refused is Kratos' reason for refusing a list it kept nothing of,
	// from the warning it logs ("Zero endpoint found, refused to write").
	refused string
}

// clientSources are the files of kratos' clients the discovery phases are
// found in, and the functions in them, for each transport.
var clientSources = []struct {
	transport        string
	client, dialFunc string
	resolver         string
	resolverType     string
	resolverFunc     string
}{
	{"grpc", "transport/grpc/client.go", "dial", "transport/grpc/resolver/discovery/resolver.go", "discoveryResolver", "/transport/grpc/resolver/discovery.(*discoveryResolver).update"},
	{"http", "transport/http/client.go", "NewClient", "transport/http/resolver.go", "resolver", "/transport/http.(*resolver).update"},
}

// clientEntries are the discovery phases' breakpoints in the kratos source
// at kratosDir: discovery.dial where a client's options are applied, and
// discovery.update where a resolver has sorted the instance list it
// received. A program that builds no client does not link that code: the
// entries are optional, and left out of its plan.
func clientEntries(kratosDir string) ([]planEntry, []string) {
	var plan []planEntry
	var notes []string
	for _, src := range clientSources {
		path := filepath.Join(kratosDir, src.client)
		line, options, err := parseClientDial(path, src.dialFunc)
		if err != nil {
			notes = append(notes, fmt.Sprintf("discovery.dial (%s) cannot be traced: %v", src.transport, err))
		} else {
			plan = append(plan, planEntry{
				PlannedPhase: tracer.PlannedPhase{Phase: tracer.PhaseDiscoveryDial, File: path, Line: line},
				inFunc:       kratosFunc("/" + filepath.ToSlash(filepath.Dir(src.client)) + "." + src.dialFunc),
				client:       &clientSite{transport: src.transport, optionsVar: options},
				optional:     true,
			})
		}
		path = filepath.Join(kratosDir, src.resolver)
		site, line, err := parseResolverUpdate(path, src.resolverType)
		if err != nil {
			notes = append(notes, fmt.Sprintf("discovery.update (%s) cannot be traced: %v", src.transport, err))
			continue
		}
		site.transport = src.transport
		plan = append(plan, planEntry{
			PlannedPhase: tracer.PlannedPhase{Phase: tracer.PhaseDiscoveryUpdate, File: path, Line: line},
			inFunc:       kratosFunc(src.resolverFunc),
			client:       site,
			optional:     true,
		})
	}
	return plan, notes
}

// parseClientDial finds, in the function fn of a kratos client file (gRPC's
// dial, HTTP's NewClient), the loop that applies the options, `for _, o :=
// range opts { o(&options) }`, and returns the line of the statement after
// it, where the options are complete, and the options' variable.
func parseClientDial(path, fn string) (int, string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		return 0, "", fmt.Errorf("parse kratos source: %w", err)
	}
	body := funcBody(f, fn, "")
	if body == nil {
		return 0, "", fmt.Errorf("no func %s in %s", fn, path)
	}
	for i, stmt := range body.List {
		loop, ok := stmt.(*ast.RangeStmt)
		if !ok || i+1 == len(body.List) {
			continue
		}
		if options := appliedOptions(loop); options != "" {
			return fset.Position(body.List[i+1].Pos()).Line, options, nil
		}
	}
	return 0, "", fmt.Errorf("%s in %s applies no options (no loop calling o(&options))", fn, path)
}

// appliedOptions returns X in a loop body's call o(&X), where o is the
// loop's value: the options struct the loop fills.
func appliedOptions(loop *ast.RangeStmt) string {
	value, ok := loop.Value.(*ast.Ident)
	if !ok || len(loop.Body.List) != 1 {
		return ""
	}
	call, ok := loop.Body.List[0].(*ast.ExprStmt)
	if !ok {
		return ""
	}
	c, ok := call.X.(*ast.CallExpr)
	if !ok || len(c.Args) != 1 {
		return ""
	}
	if fn, ok := c.Fun.(*ast.Ident); !ok || fn.Name != value.Name {
		return ""
	}
	u, ok := c.Args[0].(*ast.UnaryExpr)
	if !ok || u.Op != token.AND {
		return ""
	}
	x, ok := u.X.(*ast.Ident)
	if !ok {
		return ""
	}
	return x.Name
}

// parseResolverUpdate finds, in the update method of a kratos resolver
// (recvType's), the check `if len(X) == 0 { log.Warnf(…); return … }` that
// refuses a list nothing was kept of, and returns its line, where the list
// received and what was kept of it are both known, with the names to read
// them by and Kratos' reason from the warning.
func parseResolverUpdate(path, recvType string) (*clientSite, int, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		return nil, 0, fmt.Errorf("parse kratos source: %w", err)
	}
	var decl *ast.FuncDecl
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == "update" && fd.Body != nil && receiverType(fd) == recvType {
			decl = fd
		}
	}
	if decl == nil {
		return nil, 0, fmt.Errorf("no (*%s).update in %s", recvType, path)
	}
	site := &clientSite{}
	if names := decl.Recv.List[0].Names; len(names) > 0 {
		site.recvVar = names[0].Name
	}
	if params := decl.Type.Params.List; len(params) > 0 && len(params[0].Names) > 0 {
		site.listVar = params[0].Names[0].Name
	}
	for _, stmt := range decl.Body.List {
		ifs, ok := stmt.(*ast.IfStmt)
		if !ok {
			continue
		}
		kept := emptyCheck(ifs.Cond)
		if kept == "" || !returns(ifs.Body) {
			continue
		}
		site.acceptedVar = kept
		site.refused = refusalReason(ifs.Body)
		if site.recvVar == "" || site.listVar == "" {
			break
		}
		return site, fset.Position(ifs.Pos()).Line, nil
	}
	return nil, 0, fmt.Errorf("(*%s).update in %s has no check refusing an empty list (if len(…) == 0 { … return })", recvType, path)
}

// receiverType names a method's receiver type without its star.
func receiverType(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return ""
	}
	t := fd.Recv.List[0].Type
	if star, ok := t.(*ast.StarExpr); ok {
		t = star.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// funcBody returns the body of the function name (a method of recv when
// recv is set) in f.
func funcBody(f *ast.File, name, recv string) *ast.BlockStmt {
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == name && fd.Body != nil && receiverType(fd) == recv {
			return fd.Body
		}
	}
	return nil
}

// emptyCheck returns X in the condition len(X) == 0.
func emptyCheck(cond ast.Expr) string {
	b, ok := cond.(*ast.BinaryExpr)
	if !ok || b.Op != token.EQL {
		return ""
	}
	if lit, ok := b.Y.(*ast.BasicLit); !ok || lit.Value != "0" {
		return ""
	}
	call, ok := b.X.(*ast.CallExpr)
	if !ok || len(call.Args) != 1 {
		return ""
	}
	if fn, ok := call.Fun.(*ast.Ident); !ok || fn.Name != "len" {
		return ""
	}
	x, ok := call.Args[0].(*ast.Ident)
	if !ok {
		return ""
	}
	return x.Name
}

// returns reports whether a block returns.
func returns(b *ast.BlockStmt) bool {
	for _, s := range b.List {
		if _, ok := s.(*ast.ReturnStmt); ok {
			return true
		}
	}
	return false
}

// refusalReason is the warning a refusing block logs, as a reason: its
// format string without the "[resolver]" tag and from the first field on,
// "Zero endpoint found, refused to write".
func refusalReason(b *ast.BlockStmt) string {
	reason := ""
	ast.Inspect(b, func(n ast.Node) bool {
		lit, ok := n.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING || reason != "" {
			return reason == ""
		}
		if s, err := strconv.Unquote(lit.Value); err == nil {
			reason = cleanReason(s)
		}
		return false
	})
	if reason == "" {
		reason = "Kratos refused the list: it kept no endpoint of it"
	}
	return reason
}

// logTag is a log line's leading "[resolver]" or "[http resolver]".
var logTag = regexp.MustCompile(`^\s*\[[^\]]*\]\s*`)

// cleanReason turns a warning's format into a sentence: "[resolver] Zero
// endpoint found,refused to write, instances: %v" and "[http
// resolver]Zero endpoint found,refused to write,set: %s ins: %v" both
// become "Zero endpoint found, refused to write".
func cleanReason(format string) string {
	s := logTag.ReplaceAllString(format, "")
	if i := strings.Index(s, "%"); i >= 0 {
		s = s[:i]
	}
	parts := strings.Split(s, ",")
	var kept []string
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" || strings.HasSuffix(p, ":") {
			// The field a value follows: "instances:", "set:".
			break
		}
		kept = append(kept, p)
	}
	return strings.Join(kept, ", ")
}

// parseTimeoutCheck finds, in the function literal of a kratos client file
// that holds line (the gRPC client's interceptor), the check of the
// captured timeout, `if timeout > 0 {`, and returns its line and the
// variable's name.
func parseTimeoutCheck(path string, line int) (int, string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		return 0, "", fmt.Errorf("parse kratos source: %w", err)
	}
	at, name := 0, ""
	ast.Inspect(f, func(n ast.Node) bool {
		lit, ok := n.(*ast.FuncLit)
		if !ok || at != 0 {
			return at == 0
		}
		if fset.Position(lit.Pos()).Line > line || fset.Position(lit.End()).Line < line {
			return true
		}
		for _, stmt := range lit.Body.List {
			ifs, ok := stmt.(*ast.IfStmt)
			if !ok {
				continue
			}
			b, ok := ifs.Cond.(*ast.BinaryExpr)
			if !ok || b.Op != token.GTR {
				continue
			}
			x, ok := b.X.(*ast.Ident)
			if y, isLit := b.Y.(*ast.BasicLit); ok && isLit && y.Value == "0" && strings.Contains(strings.ToLower(x.Name), "timeout") {
				at, name = fset.Position(ifs.Pos()).Line, x.Name
				return false
			}
		}
		return false
	})
	if at == 0 {
		return 0, "", fmt.Errorf("no timeout check (if timeout > 0) in the function at %s:%d", path, line)
	}
	return at, name, nil
}

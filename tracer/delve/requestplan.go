package delve

import (
	"path"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// requestFunc is a function a request is followed through: a breakpoint at
// its entry is a stop of phase, and one on each of its returns a return
// event.
type requestFunc struct {
	phase    tracer.PhaseID
	detail   string
	function string
}

// DefaultLayers are the packages of each layer, relative to the program's
// module, by the kratos-layout convention.
var DefaultLayers = map[tracer.PhaseID][]string{
	tracer.PhaseRequestService: {"internal/service"},
	tracer.PhaseRequestBiz:     {"internal/biz"},
	tracer.PhaseRequestData:    {"internal/data"},
}

// LayerNames maps the names a user gives layers (--layer biz=DIR) to their
// phases.
var LayerNames = map[string]tracer.PhaseID{
	"service": tracer.PhaseRequestService,
	"biz":     tracer.PhaseRequestBiz,
	"data":    tracer.PhaseRequestData,
}

// kratos' own transport entries, by the shape of their names: the closure
// the HTTP server's filter returns, which every routed request runs
// through, and the gRPC server's unary interceptor.
var (
	// An optimised build inlines filter and unaryServerInterceptor into
	// NewServer, which then prefixes their closures' names: NewServer.(*Server).filter.func1.1.
	httpTransportFunc = regexp.MustCompile(`^` + regexp.QuoteMeta(KratosModule) + `/transport/http\.(?:NewServer\.)?\(\*Server\)\.filter\.func\d+\.\d+$`)
	grpcTransportFunc = regexp.MustCompile(`^` + regexp.QuoteMeta(KratosModule) + `/transport/grpc\.(?:NewServer\.)?\(\*Server\)\.unaryServerInterceptor\.func\d+$`)
	// middlewareFunc is the handler a middleware constructor returns: the
	// closure two levels inside an exported function of a middleware
	// package, e.g. recovery.Recovery.func2.1, logging.Server.func1.1.
	middlewareFunc = regexp.MustCompile(`^(.*/middleware(?:/[^./]+)*)\.([A-Z]\w*)\.func\d+\.\d+$`)
)

// requestFuncsFilter is the regular expression handed to Delve to list the
// functions classifyRequestFuncs looks at, so that not every function of
// the program crosses the wire.
func requestFuncsFilter(module string, layers map[tracer.PhaseID][]string) string {
	alts := []string{`/transport/(http|grpc)\.(NewServer\.)?\(\*Server\)\.`, `/middleware`, clientFuncsFilter}
	for _, dirs := range layers {
		for _, d := range dirs {
			alts = append(alts, regexp.QuoteMeta(strings.Trim(d, "/"))+`\.`)
		}
	}
	return "(" + strings.Join(alts, "|") + ")"
}

// classifyRequestFuncs picks, from the program's function names, those a
// request is followed through: kratos' transport entries, the middleware
// handlers, and the exported functions and methods of the layer packages
// (module/DIR for each layer's DIRs; any package path ending in /DIR when
// module is unknown). Constructors (New…) are left out: wire calls them at
// boot, not a request.
func classifyRequestFuncs(names []string, module string, layers map[tracer.PhaseID][]string) []requestFunc {
	var out []requestFunc
	seen := map[string]bool{}
	for _, fn := range names {
		if seen[fn] {
			continue
		}
		seen[fn] = true
		if f, ok := clientRequestFunc(fn); ok {
			out = append(out, f)
			continue
		}
		switch {
		case httpTransportFunc.MatchString(fn):
			out = append(out, requestFunc{tracer.PhaseRequestTransport, "http", fn})
			continue
		case grpcTransportFunc.MatchString(fn):
			out = append(out, requestFunc{tracer.PhaseRequestTransport, "grpc", fn})
			continue
		}
		if m := middlewareFunc.FindStringSubmatch(fn); m != nil {
			if strings.HasPrefix(m[1], KratosModule+"/transport") {
				continue
			}
			phase := tracer.PhaseRequestMiddleware
			if m[2] == "Client" {
				// logging.Client, tracing.Client…: a client's chain, around
				// an outgoing call. A middleware both sides use (recovery)
				// is told apart where it runs (reportRequestHit).
				phase = tracer.PhaseRequestClientMiddleware
			}
			out = append(out, requestFunc{phase, middlewareName(m[1], m[2]), fn})
			continue
		}
		pkg, rest := splitFuncName(fn)
		if pkg == "" || strings.HasPrefix(pkg, KratosModule) {
			continue
		}
		for _, phase := range []tracer.PhaseID{tracer.PhaseRequestService, tracer.PhaseRequestBiz, tracer.PhaseRequestData} {
			if !inLayer(pkg, module, layers[phase]) {
				continue
			}
			if detail, ok := layerEntry(rest); ok {
				out = append(out, requestFunc{phase, path.Base(pkg) + "." + detail, fn})
			}
			break
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if oi, oj := tracer.Order(out[i].phase), tracer.Order(out[j].phase); oi != oj {
			return oi < oj
		}
		return out[i].function < out[j].function
	})
	return out
}

// middlewareName names a middleware by its package (recovery, logging,
// tracing, validate…), or by its constructor when the package is a plain
// "middleware" of the program's own.
func middlewareName(pkg, constructor string) string {
	if base := path.Base(pkg); base != "middleware" {
		return base
	}
	return strings.ToLower(constructor[:1]) + constructor[1:]
}

// splitFuncName splits "a/b/pkg.(*T).M" into "a/b/pkg" and "(*T).M".
func splitFuncName(fn string) (pkg, rest string) {
	pkg = funcPackage(fn)
	if pkg == "" {
		return "", ""
	}
	return pkg, fn[len(pkg)+1:]
}

// inLayer reports whether package pkg is one of a layer's directories.
func inLayer(pkg, module string, dirs []string) bool {
	for _, d := range dirs {
		d = strings.Trim(d, "/")
		if module != "" && pkg == module+"/"+d {
			return true
		}
		if module == "" && (pkg == d || strings.HasSuffix(pkg, "/"+d)) {
			return true
		}
	}
	return false
}

// layerEntry reports whether a layer package's function, as named after
// its package ("(*GreeterUsecase).CreateGreeter", "Greet"), is an entry
// into the layer, and how to show it ("GreeterUsecase.CreateGreeter").
func layerEntry(rest string) (string, bool) {
	recv, name := "", rest
	if i := strings.LastIndex(rest, "."); i >= 0 {
		recv, name = rest[:i], rest[i+1:]
	}
	if name == "" || !unicode.IsUpper([]rune(name)[0]) || strings.Contains(recv, ".func") || strings.Contains(name, "func") && strings.Contains(rest, ".func") {
		return "", false
	}
	recv = strings.Trim(recv, "(*)")
	switch {
	case strings.ContainsAny(recv, ".[]() "):
		// A closure's or a generic instance's name.
		return "", false
	case recv == "" && strings.HasPrefix(name, "New"):
		return "", false
	case recv == "":
		return name, true
	}
	return recv + "." + name, true
}

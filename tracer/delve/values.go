package delve

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"reflect"
	"sort"
	"strings"
	"sync"
	"unicode"

	"github.com/go-delve/delve/service/api"
	"github.com/go-delve/delve/service/rpc2"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// serverFieldsLoad loads a transport server's own fields without following
// its pointers.
var serverFieldsLoad = api.LoadConfig{FollowPointers: false, MaxVariableRecurse: 1, MaxStringLen: 1024, MaxStructFields: -1}

// isNil reports whether an interface or pointer variable holds nil.
func isNil(v *api.Variable) bool {
	switch v.Kind {
	case reflect.Interface:
		return len(v.Children) == 0 || v.Children[0].Kind == reflect.Invalid || (v.Children[0].Kind == reflect.Ptr && len(v.Children[0].Children) > 0 && v.Children[0].Children[0].Addr == 0)
	case reflect.Ptr:
		return len(v.Children) == 0 || v.Children[0].Addr == 0
	}
	return false
}

// readServers reads the App's servers through optsExpr, the App's options
// struct (a.opts in App's methods, o inside kratos.New).
func readServers(c *rpc2.RPCClient, scope api.EvalScope, optsExpr string) ([]keyedServer, error) {
	list, err := c.EvalVariable(scope, optsExpr+".servers", api.LoadConfig{MaxArrayValues: 64})
	if err != nil {
		return nil, fmt.Errorf("read servers: %w", err)
	}
	var out []keyedServer
	for i := int64(0); i < list.Len; i++ {
		srv, key, err := readServerVar(c, scope, fmt.Sprintf("%s.servers[%d]", optsExpr, i))
		if err != nil {
			return nil, err
		}
		out = append(out, keyedServer{key: key, Server: srv})
	}
	return out, nil
}

// keyedServer is a server with the address of its struct, which identifies
// it across stops.
type keyedServer struct {
	key uint64
	tracer.Server
}

// serverExpr reads the concrete type behind the transport.Server interface
// expr, an expression of the server struct itself and the struct's
// address.
func serverExpr(c interface {
	EvalVariable(api.EvalScope, string, api.LoadConfig) (*api.Variable, error)
}, scope api.EvalScope, expr string) (typeName, sexpr string, addr uint64, err error) {
	iv, err := c.EvalVariable(scope, expr, api.LoadConfig{FollowPointers: false, MaxVariableRecurse: 1})
	if err != nil {
		return "", "", 0, fmt.Errorf("read %s: %w", expr, err)
	}
	if iv.Kind != reflect.Interface || len(iv.Children) == 0 {
		return "", "", 0, fmt.Errorf("%s is not a server interface", expr)
	}
	ptr := iv.Children[0]
	if ptr.Kind != reflect.Ptr || len(ptr.Children) == 0 || ptr.Children[0].Addr == 0 {
		return "", "", 0, fmt.Errorf("%s holds no server", expr)
	}
	typeName, addr = strings.TrimPrefix(ptr.Type, "*"), ptr.Children[0].Addr
	return typeName, fmt.Sprintf("(*(*%q)(%#x))", typeName, addr), addr, nil
}

// readServerVar reads the transport.Server held by the interface expr.
func readServerVar(c *rpc2.RPCClient, scope api.EvalScope, expr string) (tracer.Server, uint64, error) {
	var srv tracer.Server
	typeName, sexpr, key, err := serverExpr(c, scope, expr)
	if err != nil {
		return srv, 0, err
	}
	srv.Type = "*" + typeName
	srv.Kind = serverKind(typeName)
	srv.State = tracer.ServerCreated
	// The fields shown are strings, a duration and two pointers tested for
	// nil; following pointers would pull in the whole embedded net/http or
	// grpc-go server for nothing.
	sv, err := c.EvalVariable(scope, sexpr, serverFieldsLoad)
	if err != nil {
		return srv, key, nil
	}
	for i := range sv.Children {
		f := &sv.Children[i]
		switch f.Name {
		case "network":
			srv.Network = f.Value
		case "address":
			srv.Address = f.Value
		case "timeout":
			srv.Timeout = leafValue(f)
		case "endpoint":
			if !isNil(f) {
				srv.Endpoint = readURL(c, scope, sexpr+".endpoint")
			}
		case "lis":
			if !isNil(f) {
				srv.State = tracer.ServerListening
			}
		}
	}
	if srv.State == tracer.ServerListening && unboundAddress(srv.Address) {
		// Built on a listener, or on port 0: the configured address is
		// not where the server listens; its listener knows.
		if a, ok := listenerAddr(c, scope, sexpr+".lis"); ok {
			srv.Address, srv.AddressFrom = a, tracer.AddressFromListener
		}
	}
	if srv.Kind == "grpc" {
		srv.Services = readGRPCServices(c, scope, sexpr+".Server.services")
	}
	return srv, key, nil
}

// unboundAddress reports whether a server's configured address cannot be
// the one it listens on: empty, or port 0 (Kratos' default, ":0", when the
// server is given a listener instead).
func unboundAddress(addr string) bool {
	_, port, err := net.SplitHostPort(addr)
	return addr == "" || err == nil && port == "0"
}

// listenerLoad loads a listener's own fields, one level deep.
var listenerLoad = api.LoadConfig{FollowPointers: true, MaxVariableRecurse: 1, MaxStringLen: 256, MaxStructFields: -1}

// listenerAddr reads the local address of the net.Listener interface at
// expr from its fields, without calling its Addr method: a *net.TCPListener
// or *net.UnixListener keeps it in fd.laddr; a wrapper (cmux's muxListener,
// a TLS or rate-limiting listener) is followed to the net.Listener it
// holds.
func listenerAddr(c *rpc2.RPCClient, scope api.EvalScope, expr string) (string, bool) {
	for depth := 0; depth < 4; depth++ {
		iv, err := c.EvalVariable(scope, expr, listenerLoad)
		if err != nil || iv.Kind != reflect.Interface || isNil(iv) {
			return "", false
		}
		conc := &iv.Children[0]
		target := conc
		if conc.Kind == reflect.Ptr && len(conc.Children) > 0 {
			target = &conc.Children[0]
		}
		typeName := strings.TrimPrefix(conc.Type, "*")
		sexpr := fmt.Sprintf("(*(*%q)(%#x))", typeName, target.Addr)
		switch typeName {
		case "net.TCPListener", "net.UnixListener":
			av, err := c.EvalVariable(scope, sexpr+".fd.laddr", errorTextLoad)
			if err != nil || isNil(av) {
				return "", false
			}
			a := &av.Children[0]
			if a.Kind == reflect.Ptr && len(a.Children) > 0 {
				return netAddrText(strings.TrimPrefix(a.Type, "*"), fieldsOf(&a.Children[0]))
			}
			return "", false
		}
		next := ""
		for i := range target.Children {
			if f := &target.Children[i]; f.Type == "net.Listener" {
				next = sexpr + "." + f.Name
				break
			}
		}
		if next == "" {
			return "", false
		}
		expr = next
	}
	return "", false
}

// readURL formats the *url.URL at expr as scheme://host/path.
func readURL(c *rpc2.RPCClient, scope api.EvalScope, expr string) string {
	v, err := c.EvalVariable(scope, "*"+expr, structLoad)
	if err != nil {
		return ""
	}
	parts := map[string]string{}
	for _, f := range v.Children {
		parts[f.Name] = f.Value
	}
	u := parts["Host"] + parts["Path"]
	if parts["Scheme"] != "" {
		u = parts["Scheme"] + "://" + u
	}
	if parts["RawQuery"] != "" {
		u += "?" + parts["RawQuery"]
	}
	return u
}

// readGRPCServices lists the services registered on a grpc-go server.
func readGRPCServices(c *rpc2.RPCClient, scope api.EvalScope, expr string) []string {
	v, err := c.EvalVariable(scope, expr, api.LoadConfig{MaxVariableRecurse: 0, MaxStringLen: 256, MaxArrayValues: 128})
	if err != nil || v.Kind != reflect.Map {
		return nil
	}
	var out []string
	for i := 0; i < len(v.Children); i += 2 {
		out = append(out, v.Children[i].Value)
	}
	sort.Strings(out)
	return out
}

// serverKind names a transport by its type.
func serverKind(typeName string) string {
	switch {
	case strings.HasSuffix(typeName, "/transport/http.Server"):
		return "http"
	case strings.HasSuffix(typeName, "/transport/grpc.Server"):
		return "grpc"
	}
	return shortType(typeName)
}

// serverTracker remembers the App's servers across stops and the state each
// one has reached.
type serverTracker struct {
	order  []uint64
	byKey  map[uint64]*tracer.Server
	states map[uint64]tracer.ServerState
}

func newServerTracker() *serverTracker {
	return &serverTracker{byKey: map[uint64]*tracer.Server{}, states: map[uint64]tracer.ServerState{}}
}

// update records freshly read servers; the states reached so far stay.
func (t *serverTracker) update(list []keyedServer) {
	for _, ks := range list {
		srv := ks.Server
		if _, ok := t.byKey[ks.key]; !ok {
			t.order = append(t.order, ks.key)
		}
		t.byKey[ks.key] = &srv
	}
}

// setState moves one server to state.
func (t *serverTracker) setState(key uint64, state tracer.ServerState) {
	if stateRank(state) > stateRank(t.states[key]) {
		t.states[key] = state
	}
}

// markListening moves every started server to listening: Run has passed
// the point where all Start goroutines are under way.
func (t *serverTracker) markListening() {
	for k, st := range t.states {
		if st == tracer.ServerStarting {
			t.states[k] = tracer.ServerListening
		}
	}
}

func stateRank(s tracer.ServerState) int {
	switch s {
	case tracer.ServerStarting:
		return 1
	case tracer.ServerListening:
		return 2
	case tracer.ServerStopped:
		return 3
	}
	return 0
}

// snapshot returns the servers in the order they were first seen.
func (t *serverTracker) snapshot() []tracer.Server {
	if len(t.order) == 0 {
		return nil
	}
	out := make([]tracer.Server, 0, len(t.order))
	for _, k := range t.order {
		srv := *t.byKey[k]
		srv.State = tracer.ServerCreated
		if st, ok := t.states[k]; ok && st != "" {
			srv.State = st
		}
		out = append(out, srv)
	}
	return out
}

// snippetRadius is how many lines a snippet shows on each side of the stop.
const snippetRadius = 12

// sourceCache keeps the files stops land in, to cut snippets from them.
type sourceCache struct {
	files map[string][]string
	// paths maps the paths the program reports to this machine; it has no
	// rules for a program built here.
	paths pathMap
}

func newSourceCache() *sourceCache { return &sourceCache{files: map[string][]string{}} }

// snippet returns the lines around file:line, or nil if the file is unreadable.
// file is the path the program reports; it is read where paths maps it.
func (c *sourceCache) snippet(file string, line int) *tracer.Snippet {
	if file == "" || line <= 0 {
		return nil
	}
	lines, ok := c.files[file]
	if !ok {
		b, err := os.ReadFile(c.paths.toLocal(file))
		if err == nil {
			lines = strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n")
		}
		c.files[file] = lines
	}
	if len(lines) == 0 {
		return nil
	}
	first := max(1, line-snippetRadius)
	last := min(len(lines), line+snippetRadius)
	if first > last {
		return nil
	}
	return &tracer.Snippet{First: first, Lines: append([]string(nil), lines[first-1:last]...)}
}

// attachSource sets the event's snippet. For a program built elsewhere whose
// file is not available here, it says so in SourceMissing instead.
func (s *Session) attachSource(ev *tracer.Event) {
	ev.Source = s.sources.snippet(ev.File, ev.Line)
	if ev.Source != nil || ev.File == "" || s.remote == nil {
		return
	}
	local := s.sources.paths.toLocal(ev.File)
	if local != ev.File {
		ev.SourceMissing = fmt.Sprintf("%s is not available here (mapped to %s)", ev.File, local)
		return
	}
	ev.SourceMissing = fmt.Sprintf("%s is not available here: map its directory to a local checkout with --substitute-path FROM=TO", ev.File)
}

var (
	modCacheOnce sync.Once
	modCacheDir  string
)

// modCache is the go command's module cache directory.
func modCache() string {
	modCacheOnce.Do(func() {
		if dir := os.Getenv("GOMODCACHE"); dir != "" {
			modCacheDir = dir
			return
		}
		out, err := exec.Command("go", "env", "GOMODCACHE").Output()
		if err == nil {
			modCacheDir = strings.TrimSpace(string(out))
		}
	})
	return modCacheDir
}

// escapeModulePath applies the module cache's case encoding: an upper-case
// letter becomes '!' and its lower-case form.
func escapeModulePath(path string) string {
	var b strings.Builder
	for _, r := range path {
		if unicode.IsUpper(r) {
			b.WriteByte('!')
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

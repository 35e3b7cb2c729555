package script

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/headless"
)

// Path names a value of the current stop, such as bootstrap.server.http.addr
// or servers[0].address. See the package documentation for the forms.
type Path struct {
	// Root is the first name: phase, bootstrap, servers, output, ...
	Root string
	// Fields are the names below bootstrap, e.g. ["server", "http", "addr"].
	Fields []string
	// Server selects one server, by index or kind; "" for none.
	Server string
	// Field is the server's field, or "count" for servers.count.
	Field string

	raw string
}

// PathError is a malformed path; Offset is where in the path it is wrong,
// from 0.
type PathError struct {
	Offset int
	Msg    string
}

func (e *PathError) Error() string { return e.Msg }

// stopRoots are the paths that name a field of the current stop itself.
var stopRoots = []string{"phase", "detail", "kind", "file", "line", "function", "goroutine", "output", "exit_code", "skipped", "reason", "registrar", "service"}

// serverFields are the fields of one server.
var serverFields = []string{"kind", "type", "network", "address", "timeout", "endpoint", "state", "services"}

// ParsePath parses a path.
func ParsePath(s string) (Path, error) {
	p := Path{raw: s}
	root := s
	if i := strings.IndexAny(s, ".["); i >= 0 {
		root = s[:i]
	}
	rest := s[len(root):]
	p.Root = root
	switch {
	case root == "bootstrap":
		if rest == "" {
			return p, nil
		}
		if rest[0] != '.' {
			return p, &PathError{len(root), "write bootstrap's fields with dots, e.g. bootstrap.server.http.addr"}
		}
		off := len(root) + 1
		for _, f := range strings.Split(rest[1:], ".") {
			if f == "" {
				return p, &PathError{off, "empty field name in " + s}
			}
			// A list element may be written items[0] as well as items.[0].
			if i := strings.IndexByte(f, '['); i > 0 {
				p.Fields = append(p.Fields, f[:i], f[i:])
			} else {
				p.Fields = append(p.Fields, f)
			}
			off += len(f) + 1
		}
		return p, nil
	case root == "servers":
		return parseServersPath(p, rest)
	case root == "request" || root == "reply":
		return parseRequestPath(p, rest)
	case root == "instance":
		return parseInstancePath(p, rest)
	case contains(stopRoots, root):
		if rest != "" {
			return p, &PathError{len(root), fmt.Sprintf("%s is a single value; nothing can follow it", root)}
		}
		return p, nil
	}
	return p, &PathError{0, fmt.Sprintf("unknown path %q; a path starts with bootstrap, servers, instance, request, reply, %s", s, strings.Join(stopRoots, ", "))}
}

func parseServersPath(p Path, rest string) (Path, error) {
	off := len("servers")
	switch {
	case rest == "":
		return p, nil
	case rest == ".count":
		p.Field = "count"
		return p, nil
	case rest[0] == '.':
		return p, &PathError{off + 1, fmt.Sprintf("servers has only .count; pick a server first, e.g. servers[0]%s or servers[http]%s", rest, rest)}
	}
	end := strings.IndexByte(rest, ']')
	if end < 0 {
		return p, &PathError{off, "servers[ is not closed: a ] is missing"}
	}
	p.Server = rest[1:end]
	if p.Server == "" {
		return p, &PathError{off + 1, "servers[] needs an index or a kind, e.g. servers[0] or servers[http]"}
	}
	rest = rest[end+1:]
	off += end + 1
	if rest == "" {
		return p, nil
	}
	field, ok := strings.CutPrefix(rest, ".")
	if !ok || !contains(serverFields, field) {
		return p, &PathError{off, fmt.Sprintf("a server's fields are %s", strings.Join(serverFields, ", "))}
	}
	p.Field = field
	return p, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// String returns the path as written.
func (p Path) String() string { return p.raw }

// Table reports whether the path names a table (all servers, or a whole
// server) rather than a value.
func (p Path) Table() bool {
	return p.Root == "servers" && p.Field == ""
}

// example suggests a value path below a table path.
func (p Path) example() string {
	if p.Server != "" {
		return "servers[" + p.Server + "].address"
	}
	return "servers.count or servers[0].address"
}

// state is what a script knows of the trace: the current stop and what
// the events so far have told.
type state struct {
	current   tracer.Event
	atStop    bool
	bootstrap *tracer.Node
	servers   []tracer.Server
	output    []string
	exitCode  *int
	// outputOpen holds, per stream, the index in output of a line whose
	// rest is still to come (tracer.OutputLine.Continued).
	outputOpen map[string]int
	// request is the request of the last event that carried one.
	request *tracer.RequestInfo
	// instance is the last ServiceInstance an event carried.
	instance *tracer.ServiceInstance
}

// addOutput adds one output event to the lines seen, joining the pieces of
// a long line.
func (st *state) addOutput(l tracer.OutputLine) {
	if i, ok := st.outputOpen[l.Stream]; ok {
		st.output[i] += l.Text
		if !l.Continued {
			delete(st.outputOpen, l.Stream)
		}
		return
	}
	st.output = append(st.output, l.Text)
	if l.Continued {
		if st.outputOpen == nil {
			st.outputOpen = map[string]int{}
		}
		st.outputOpen[l.Stream] = len(st.output) - 1
	}
}

// observe takes in one event.
func (st *state) observe(ev tracer.Event) {
	if ev.Bootstrap != nil {
		st.bootstrap = ev.Bootstrap
	}
	if ev.Servers != nil {
		st.servers = ev.Servers
	}
	if ev.Instance != nil {
		st.instance = ev.Instance
	}
	if ev.Kind == tracer.KindOutput && ev.Output != nil {
		st.addOutput(*ev.Output)
	}
	if ev.ExitCode != nil {
		st.exitCode = ev.ExitCode
	}
	if ev.Request != nil {
		st.request = ev.Request
	}
}

// value returns the value p names, formatted for print (a subtree or a table
// over several lines).
func (st *state) value(p Path) (string, error) {
	ev := st.current
	needStop := func() error {
		if !st.atStop {
			return fmt.Errorf("%s: the trace has not stopped anywhere yet; continue first", p)
		}
		return nil
	}
	switch p.Root {
	case "phase", "detail", "kind", "file", "line", "function", "goroutine", "skipped", "reason", "registrar", "service":
		if err := needStop(); err != nil {
			return "", err
		}
		return map[string]string{
			"phase": string(ev.Phase), "detail": ev.Detail, "kind": string(ev.Kind), "file": ev.File,
			"line": strconv.Itoa(ev.Line), "function": ev.Function, "goroutine": strconv.FormatInt(ev.Goroutine, 10),
			"skipped": strconv.FormatBool(ev.Skipped), "reason": ev.Reason, "registrar": ev.Registrar,
			// The service of a system trace the stop is in.
			"service": ev.Service,
		}[p.Root], nil
	case "instance":
		return st.instanceValue(p)
	case "output":
		return strings.Join(st.output, "\n"), nil
	case "exit_code":
		if st.exitCode == nil {
			return "", fmt.Errorf("exit_code: the program has not exited")
		}
		return strconv.Itoa(*st.exitCode), nil
	case "bootstrap":
		if st.bootstrap == nil {
			return "", fmt.Errorf("%s: the Bootstrap is not known yet; it is from config.scan on", p)
		}
		n := st.bootstrap.Lookup(strings.Join(p.Fields, "."))
		if n == nil {
			if v, ok, err := originValue(st.bootstrap, p); ok {
				return v, err
			}
			return "", fmt.Errorf("%s: no such field in the Bootstrap", p)
		}
		if len(n.Children) > 0 {
			return strings.TrimRight(n.Format(), "\n"), nil
		}
		return n.Value, nil
	case "servers":
		return st.serverValue(p)
	case "request", "reply":
		return st.requestValue(p)
	}
	return "", fmt.Errorf("unknown path %s", p)
}

func (st *state) serverValue(p Path) (string, error) {
	if p.Field == "count" {
		return strconv.Itoa(len(st.servers)), nil
	}
	if st.servers == nil {
		return "", fmt.Errorf("%s: the servers are not known yet; they are from wire.done on", p)
	}
	if p.Server == "" {
		return strings.TrimRight(headless.FormatServers(st.servers), "\n"), nil
	}
	s, err := st.server(p)
	if err != nil {
		return "", err
	}
	switch p.Field {
	case "":
		return strings.TrimRight(headless.FormatServers([]tracer.Server{s}), "\n"), nil
	case "kind":
		return s.Kind, nil
	case "type":
		return s.Type, nil
	case "network":
		return s.Network, nil
	case "address":
		return s.Address, nil
	case "timeout":
		return s.Timeout, nil
	case "endpoint":
		return s.Endpoint, nil
	case "state":
		return string(s.State), nil
	case "services":
		return strings.Join(s.Services, ", "), nil
	}
	return "", fmt.Errorf("%s: a server has no field %s", p, p.Field)
}

// server picks the server a path names, by index or by kind.
func (st *state) server(p Path) (tracer.Server, error) {
	if i, err := strconv.Atoi(p.Server); err == nil {
		if i < 0 || i >= len(st.servers) {
			return tracer.Server{}, fmt.Errorf("%s: there are %d servers", p, len(st.servers))
		}
		return st.servers[i], nil
	}
	var kinds []string
	for _, s := range st.servers {
		if s.Kind == p.Server {
			return s, nil
		}
		kinds = append(kinds, s.Kind)
	}
	return tracer.Server{}, fmt.Errorf("%s: no %s server; the servers are %s", p, p.Server, strings.Join(kinds, ", "))
}

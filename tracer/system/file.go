// Package system traces several Kratos services together: it reads a
// system file (which services, in which order, and the helper processes they
// need, such as etcd), starts the processes, starts each service when the
// services it comes after are serving, and merges their traces into one
// tracer.Source whose events carry the service's name. How one service is
// traced (a debug build under Delve, a remote Delve server) is not its
// business: the caller hands it a function that starts one service's Source.
package system

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// DefaultFile is the system file `run --system` reads when given no name.
const DefaultFile = "kratos-trace.yaml"

// File is a system: the services to trace and the processes they need.
type File struct {
	// Path is where the file was read from; "" for a system built from
	// the command line.
	Path string
	// Dir is the directory the services' packages and working directories
	// are relative to: the file's own.
	Dir       string
	Services  []Service
	Processes []Process
}

// Service is one program of the system to trace.
type Service struct {
	// Name is the service's name in every event and line of the trace.
	Name string
	// Package is the main package to build, relative to File.Dir or
	// absolute; empty when Connect is set.
	Package string
	// Connect is the address of a Delve server (dlv --headless) that runs
	// the service elsewhere, instead of a Package built here.
	Connect string
	// Attach names a program already running on this machine (a pid, or
	// a name as `kratos-trace attach` takes it), instead of a Package
	// built here. It is attached to when the system starts and counts as
	// at app.running once its attach stop is reported.
	Attach string
	// Args are the program's arguments; Env are KEY=VALUE variables added
	// to its environment; WorkingDir is where it runs ("" for the default,
	// its package directory).
	Args       []string
	Env        []string
	WorkingDir string
	// After names the services that must be at app.running before this
	// one starts.
	After []string
	// SubstitutePath maps source directories as a connected or attached
	// program names them (FROM) to directories here (TO), as connect's
	// and attach's --substitute-path do. A relative TO in a file is
	// resolved against the file's directory.
	SubstitutePath [][2]string
	// KillOnExit ends a connected or attached program at the system's
	// shutdown, instead of leaving it running (--kill-on-exit).
	KillOnExit bool
	// Restart restarts a connected program under its Delve server first,
	// when it has already run past main (connect --restart).
	Restart bool
	// Timeout bounds the wait for a connected service's Delve server to
	// accept and answer; zero is connect's default (connect --timeout).
	Timeout time.Duration
	// Sigterm sends an attached program SIGTERM at the system's shutdown
	// and traces its shutdown, instead of detaching (attach --sigterm).
	Sigterm bool
	// Line is the line of the service's entry in the file.
	Line int
}

// Process is a helper the services need (etcd, a database): started before
// every service and stopped after them, not traced.
type Process struct {
	Name string
	// Command is the program and its arguments. When its program is not
	// found on PATH, Fallback (if given) runs instead.
	Command  []string
	Fallback []string
	// Env are KEY=VALUE variables added to its environment.
	Env []string
	// Ready is the TCP address that answers once the process serves;
	// empty: the process counts as ready once it started.
	Ready string
	// ReadyTimeout bounds the wait for Ready.
	ReadyTimeout time.Duration
	Line         int
}

// DefaultReadyTimeout is how long a process may take to answer at its
// ready address: etcd answers in about a second, a `go run` of an embedded
// etcd that has to be built first in well under a minute.
const DefaultReadyTimeout = 90 * time.Second

// FileError is a mistake in a system file, at a line.
type FileError struct {
	File string
	Line int
	Msg  string
	Hint string
}

func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// ReadFile reads and checks the system file at path.
func ReadFile(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, &FileError{File: path, Msg: "no such system file", Hint: "write one (see docs/SYSTEMS.md) or pass its path: --system=FILE"}
		}
		return nil, fmt.Errorf("read the system file: %w", err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("read the system file: %w", err)
	}
	f, err := parse(path, data, filepath.Dir(abs))
	if err != nil {
		return nil, err
	}
	f.Path = path
	return f, nil
}

// Parse reads a system file's text; name is how errors call the file.
// Package paths are left as written: ReadFile resolves them against the
// file's directory.
func Parse(name string, data []byte) (*File, error) {
	return parse(name, data, "")
}

// parse reads a system file whose relative paths start at dir.
func parse(name string, data []byte, dir string) (*File, error) {
	p := &parser{name: name, dir: dir}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	err := dec.Decode(&doc)
	if errors.Is(err, io.EOF) || (err == nil && len(doc.Content) == 0) {
		return nil, p.fail(0, "the file is empty", "list the services under `services:` (see docs/SYSTEMS.md)")
	}
	if err != nil {
		return nil, p.yamlError(err)
	}
	f := &File{Dir: dir}
	root := doc.Content[0]
	err = p.mapping(root, "the file", map[string]func(*yaml.Node) error{
		"services": func(n *yaml.Node) error {
			return p.sequence(n, "services", func(item *yaml.Node) error {
				s, err := p.service(item)
				f.Services = append(f.Services, s)
				return err
			})
		},
		"processes": func(n *yaml.Node) error {
			return p.sequence(n, "processes", func(item *yaml.Node) error {
				pr, err := p.process(item)
				f.Processes = append(f.Processes, pr)
				return err
			})
		},
	})
	if err != nil {
		return nil, err
	}
	if len(f.Services) == 0 {
		return nil, p.fail(root.Line, "no services: the file lists none under `services:`", "add one, e.g. `services: [{name: api, package: ./cmd/server}]`")
	}
	if err := Check(f, name); err != nil {
		return nil, err
	}
	return f, nil
}

// Check completes and checks a system however it was made: it names the
// services without a name, gives each without `after` the one listed
// before it, and refuses duplicate names, unknown or cyclic `after`s and
// services with neither a package nor an address.
func Check(f *File, name string) error {
	p := &parser{name: name}
	seen := map[string]int{}
	for i := range f.Services {
		s := &f.Services[i]
		if err := p.checkKind(s, i); err != nil {
			return err
		}
		if s.Name == "" {
			s.Name = remoteName(*s)
			if s.Package != "" {
				s.Name = DefaultName(s.Package, f.Dir)
			}
		}
		if prev, dup := seen[s.Name]; dup {
			return p.fail(s.Line, fmt.Sprintf("two services are named %s (the first on line %d)", s.Name, prev), "give each service its own `name:`")
		}
		seen[s.Name] = max(s.Line, 1)
	}
	for _, pr := range f.Processes {
		if line, dup := seen[pr.Name]; dup {
			return p.fail(pr.Line, fmt.Sprintf("the process %s has the name of a service or process already listed (line %d)", pr.Name, line), "give each its own name")
		}
		seen[pr.Name] = max(pr.Line, 1)
	}
	for i := range f.Services {
		s := &f.Services[i]
		if s.After == nil && i > 0 && s.Running() == "" {
			s.After = []string{f.Services[i-1].Name}
		}
		for _, a := range s.After {
			if _, ok := seen[a]; !ok || slices.ContainsFunc(f.Processes, func(pr Process) bool { return pr.Name == a }) {
				return p.fail(s.Line, fmt.Sprintf("service %s comes after %s, which is no service of this file", s.Name, a), "name a service listed under `services:`; processes start before every service anyway")
			}
			if a == s.Name {
				return p.fail(s.Line, fmt.Sprintf("service %s comes after itself", s.Name), "remove its own name from `after:`")
			}
		}
	}
	if cycle := findCycle(f.Services); cycle != nil {
		return p.fail(serviceLine(f.Services, cycle[0]), fmt.Sprintf("the services come after each other in a cycle: %s", strings.Join(cycle, " → ")), "remove one of them from the other's `after:`")
	}
	return nil
}

// Running says how a service that is not built here is reached: "connect"
// or "attach", or "" for a package.
func (s Service) Running() string {
	switch {
	case s.Connect != "":
		return "connect"
	case s.Attach != "":
		return "attach"
	}
	return ""
}

// checkKind refuses a service that does not say in exactly one way what
// to trace (package, connect or attach), and an `after:` for one that is
// already running: it is traced from the start and waits for nobody.
func (p *parser) checkKind(s *Service, i int) error {
	var given []string
	for _, k := range []struct{ key, v string }{{"package", s.Package}, {"connect", s.Connect}, {"attach", s.Attach}} {
		if k.v != "" {
			given = append(given, k.key)
		}
	}
	switch {
	case len(given) == 0:
		return p.fail(s.Line, fmt.Sprintf("service %s has none of package, connect or attach", orIndex(s.Name, i)), "give `package: ./cmd/server` to build it here, `connect: HOST:PORT` for a dlv --headless elsewhere, or `attach: NAME|PID` for a program running here")
	case len(given) > 1:
		return p.fail(s.Line, fmt.Sprintf("service %s has both %s and %s", orIndex(s.Name, i), given[0], given[1]), "keep one: package builds it here, connect reads it from a Delve server elsewhere, attach attaches to a program running here")
	case s.Running() != "" && len(s.After) > 0:
		return p.fail(s.Line, fmt.Sprintf("service %s is already running (%s) and cannot come after %s", orIndex(s.Name, i), given[0], strings.Join(s.After, ", ")), "drop its `after:`; it is traced from the start, and the services after it start once it is reached")
	}
	return nil
}

// remoteName is the name a connected or attached service gets when the
// file gives none: the attached program's name, or the Delve server's
// host.
func remoteName(s Service) string {
	if s.Attach != "" {
		return s.Attach
	}
	host := s.Connect
	if i := strings.LastIndex(host, ":"); i >= 0 {
		host = host[:i]
	}
	return host
}

// DefaultName is a service's name when the file gives none: the last
// element of its package directory that is not one of kratos-layout's
// generic ones (cmd, server, service), so ./app/inventory/service/cmd/server
// is "inventory" and a module's ./cmd/server is the module directory's name.
func DefaultName(pkg, dir string) string {
	path := pkg
	if !filepath.IsAbs(path) && dir != "" {
		path = filepath.Join(dir, path)
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	elems := strings.Split(filepath.ToSlash(filepath.Clean(path)), "/")
	for i := len(elems) - 1; i >= 0; i-- {
		switch elems[i] {
		case "", ".", "cmd", "server", "service", "main":
			continue
		}
		return elems[i]
	}
	return "service"
}

func orIndex(name string, i int) string {
	if name != "" {
		return name
	}
	return fmt.Sprintf("#%d", i+1)
}

func serviceLine(services []Service, name string) int {
	for _, s := range services {
		if s.Name == name {
			return s.Line
		}
	}
	return 0
}

// findCycle returns the names of a cycle of `after`s, the first name
// repeated at the end, or nil.
func findCycle(services []Service) []string {
	after := map[string][]string{}
	for _, s := range services {
		after[s.Name] = s.After
	}
	const (
		unseen = iota
		open
		done
	)
	state := map[string]int{}
	var path []string
	var visit func(string) []string
	visit = func(n string) []string {
		switch state[n] {
		case open:
			i := slices.Index(path, n)
			return append(slices.Clone(path[i:]), n)
		case done:
			return nil
		}
		state[n] = open
		path = append(path, n)
		for _, a := range after[n] {
			if c := visit(a); c != nil {
				return c
			}
		}
		path = path[:len(path)-1]
		state[n] = done
		return nil
	}
	for _, s := range services {
		if c := visit(s.Name); c != nil {
			return c
		}
	}
	return nil
}

// StartOrder is the order the services start in: each after those it
// comes after, and otherwise in the order the file lists them.
func StartOrder(services []Service) []Service {
	placed := map[string]bool{}
	var out []Service
	for len(out) < len(services) {
		progress := false
		for _, s := range services {
			if placed[s.Name] {
				continue
			}
			ready := true
			for _, a := range s.After {
				ready = ready && placed[a]
			}
			if ready {
				placed[s.Name] = true
				out = append(out, s)
				progress = true
				break
			}
		}
		if !progress {
			// A cycle, which Check refuses; keep the rest as listed.
			for _, s := range services {
				if !placed[s.Name] {
					out = append(out, s)
				}
			}
			break
		}
	}
	return out
}

// parser turns yaml.v3 nodes into a File, with the line of every mistake.
type parser struct {
	name string
	// dir is what relative paths on this machine start at; "" leaves
	// them as written.
	dir string
}

func (p *parser) fail(line int, msg, hint string) error {
	return &FileError{File: p.name, Line: line, Msg: msg, Hint: hint}
}

// yamlError turns a YAML syntax error ("yaml: line 3: ...") into a
// FileError at its line.
func (p *parser) yamlError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, after, ok := strings.Cut(rest, ": "); ok {
			if _, err := fmt.Sscanf(n, "%d", &line); err == nil {
				msg = after
			}
		}
	}
	return p.fail(line, "not YAML: "+msg, "")
}

// mapping walks the keys of a mapping node, refusing keys it does not know.
func (p *parser) mapping(n *yaml.Node, what string, keys map[string]func(*yaml.Node) error) error {
	if n.Kind != yaml.MappingNode {
		return p.fail(n.Line, fmt.Sprintf("%s should be a mapping of keys, not %s", what, kindName(n)), "")
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		handle, ok := keys[k.Value]
		if !ok {
			known := make([]string, 0, len(keys))
			for name := range keys {
				known = append(known, name)
			}
			slices.Sort(known)
			return p.fail(k.Line, fmt.Sprintf("unknown key %q in %s", k.Value, what), "the keys are "+strings.Join(known, ", "))
		}
		if seen[k.Value] {
			return p.fail(k.Line, fmt.Sprintf("the key %q is given twice in %s", k.Value, what), "")
		}
		seen[k.Value] = true
		if err := handle(v); err != nil {
			return err
		}
	}
	return nil
}

func (p *parser) sequence(n *yaml.Node, what string, item func(*yaml.Node) error) error {
	if n.Kind != yaml.SequenceNode {
		return p.fail(n.Line, fmt.Sprintf("%s should be a list, not %s", what, kindName(n)), "write each entry on a line of its own starting with `- `")
	}
	for _, c := range n.Content {
		if err := item(c); err != nil {
			return err
		}
	}
	return nil
}

func (p *parser) scalar(n *yaml.Node, key string, out *string) error {
	if n.Kind != yaml.ScalarNode {
		return p.fail(n.Line, fmt.Sprintf("%s should be a single value, not %s", key, kindName(n)), "")
	}
	*out = n.Value
	return nil
}

func (p *parser) strings(n *yaml.Node, key string, out *[]string) error {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		*out = []string{}
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		return p.fail(n.Line, fmt.Sprintf("%s should be a list, not %s", key, kindName(n)), fmt.Sprintf("e.g. %s: [a, b]", key))
	}
	list := []string{}
	for _, c := range n.Content {
		if c.Kind != yaml.ScalarNode {
			return p.fail(c.Line, fmt.Sprintf("each of %s should be a single value, not %s", key, kindName(c)), "")
		}
		list = append(list, c.Value)
	}
	*out = list
	return nil
}

// duration reads a positive Go duration.
func (p *parser) duration(n *yaml.Node, key string, out *time.Duration) error {
	var text string
	if err := p.scalar(n, key, &text); err != nil {
		return err
	}
	d, err := time.ParseDuration(text)
	if err != nil || d <= 0 {
		return p.fail(n.Line, fmt.Sprintf("%s %q is not a duration", key, text), fmt.Sprintf("e.g. %s: 30s", key))
	}
	*out = d
	return nil
}

// boolean reads true or false.
func (p *parser) boolean(n *yaml.Node, key string, out *bool) error {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!bool" && n.Decode(out) == nil {
		return nil
	}
	return p.fail(n.Line, fmt.Sprintf("%s should be true or false, not %s", key, kindName(n)), fmt.Sprintf("e.g. %s: true", key))
}

// substitutePath reads a mapping of source directories FROM: TO, in the
// file's order; a relative TO starts at the file's directory and must be
// a directory here, as connect's --substitute-path checks.
func (p *parser) substitutePath(n *yaml.Node, out *[][2]string) error {
	const hint = "map the directory the program was built in to its source here, e.g. substitute_path: {/app: .}"
	if n.Kind != yaml.MappingNode {
		return p.fail(n.Line, fmt.Sprintf("substitute_path should be a mapping FROM: TO, not %s", kindName(n)), hint)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || v.Kind != yaml.ScalarNode || k.Value == "" || v.Value == "" || v.Tag == "!!null" {
			return p.fail(k.Line, fmt.Sprintf("substitute_path %s should map a directory to a directory", k.Value), hint)
		}
		to := v.Value
		if p.dir != "" {
			if !filepath.IsAbs(to) {
				to = filepath.Join(p.dir, to)
			}
			if fi, err := os.Stat(to); err != nil || !fi.IsDir() {
				return p.fail(v.Line, fmt.Sprintf("substitute_path %s: %s is not a directory here", k.Value, to), "TO is the local checkout of the program's source; a relative one starts at the system file's directory")
			}
		}
		*out = append(*out, [2]string{k.Value, to})
	}
	return nil
}

// env reads a mapping of variables into sorted KEY=VALUE texts.
func (p *parser) env(n *yaml.Node, out *[]string) error {
	if n.Kind != yaml.MappingNode {
		return p.fail(n.Line, fmt.Sprintf("env should be a mapping of variables, not %s", kindName(n)), "e.g. env: {KRATOS_GRPC_TIMEOUT: 3s}")
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Kind != yaml.ScalarNode {
			return p.fail(v.Line, fmt.Sprintf("env %s should be a single value, not %s", k.Value, kindName(v)), "")
		}
		if k.Value == "" || strings.ContainsAny(k.Value, "= ") {
			return p.fail(k.Line, fmt.Sprintf("env %q is not a variable name", k.Value), "")
		}
		*out = append(*out, k.Value+"="+v.Value)
	}
	slices.Sort(*out)
	return nil
}

func (p *parser) service(n *yaml.Node) (Service, error) {
	s := Service{Line: n.Line}
	var after []string
	afterGiven := false
	err := p.mapping(n, "a service", map[string]func(*yaml.Node) error{
		"name":            func(v *yaml.Node) error { return p.scalar(v, "name", &s.Name) },
		"package":         func(v *yaml.Node) error { return p.scalar(v, "package", &s.Package) },
		"connect":         func(v *yaml.Node) error { return p.scalar(v, "connect", &s.Connect) },
		"attach":          func(v *yaml.Node) error { return p.scalar(v, "attach", &s.Attach) },
		"args":            func(v *yaml.Node) error { return p.strings(v, "args", &s.Args) },
		"env":             func(v *yaml.Node) error { return p.env(v, &s.Env) },
		"wd":              func(v *yaml.Node) error { return p.scalar(v, "wd", &s.WorkingDir) },
		"substitute_path": func(v *yaml.Node) error { return p.substitutePath(v, &s.SubstitutePath) },
		"kill_on_exit":    func(v *yaml.Node) error { return p.boolean(v, "kill_on_exit", &s.KillOnExit) },
		"restart":         func(v *yaml.Node) error { return p.boolean(v, "restart", &s.Restart) },
		"timeout":         func(v *yaml.Node) error { return p.duration(v, "timeout", &s.Timeout) },
		"sigterm":         func(v *yaml.Node) error { return p.boolean(v, "sigterm", &s.Sigterm) },
		"after": func(v *yaml.Node) error {
			afterGiven = true
			if v.Kind == yaml.ScalarNode && v.Tag != "!!null" {
				after = []string{v.Value}
				return nil
			}
			return p.strings(v, "after", &after)
		},
	})
	if err != nil {
		return s, err
	}
	if err := p.checkMemberKeys(n, s); err != nil {
		return s, err
	}
	if afterGiven {
		s.After = after
		if s.After == nil {
			s.After = []string{}
		}
	}
	return s, nil
}

// memberKey is a key of a service that applies to some kinds of service
// only: those that are built here (package), reached through a Delve
// server (connect) or attached to (attach).
type memberKey struct {
	kinds []string
	// elsewhere says what to do instead for a service of another kind.
	elsewhere string
}

// memberKeys are the service keys that not every kind takes; the others
// (name, after, and the kind's own key) apply to all.
var memberKeys = map[string]memberKey{
	"args":            {[]string{"package"}, "a running program keeps the arguments, environment and directory it was started with: give them where it is started, e.g. dlv exec ./server -- ARGS"},
	"env":             {[]string{"package"}, "a running program keeps the arguments, environment and directory it was started with: give them where it is started, e.g. VAR=value dlv exec ./server"},
	"wd":              {[]string{"package"}, "a running program keeps the arguments, environment and directory it was started with: start it in that directory"},
	"substitute_path": {[]string{"connect", "attach"}, "a service built here is read from its own source: drop substitute_path"},
	"kill_on_exit":    {[]string{"connect", "attach"}, "a service built here is always ended at the system's shutdown: drop kill_on_exit"},
	"restart":         {[]string{"connect"}, "only a Delve server restarts its program: an attached one is traced from where it runs, and a service built here is traced from its start anyway"},
	"timeout":         {[]string{"connect"}, "timeout bounds the wait for a Delve server (connect:); drop it"},
	"sigterm":         {[]string{"attach"}, "a service built here always gets SIGTERM at the shutdown, and a program under a Delve server elsewhere cannot be signalled from here: stop it where it runs"},
}

// checkMemberKeys refuses, at its line, a key of the service at n that
// does not apply to its kind, and sigterm with kill_on_exit. A service
// that is of no kind or of two is left to checkKind.
func (p *parser) checkMemberKeys(n *yaml.Node, s Service) error {
	if len(slices.DeleteFunc([]string{s.Package, s.Connect, s.Attach}, func(v string) bool { return v == "" })) != 1 {
		return nil
	}
	kind := cmp.Or(s.Running(), "package")
	who := s.Name
	if who == "" {
		who = "this " + kind + " service"
	}
	lines := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		lines[k.Value] = k.Line
		mk, limited := memberKeys[k.Value]
		if limited && !slices.Contains(mk.kinds, kind) {
			return p.fail(k.Line, fmt.Sprintf("%s does not apply to %s (%s): it is for %s services", k.Value, who, kind, strings.Join(mk.kinds, " and ")), mk.elsewhere)
		}
	}
	if s.Sigterm && s.KillOnExit {
		return p.fail(max(lines["sigterm"], lines["kill_on_exit"]), fmt.Sprintf("sigterm and kill_on_exit each end %s: give one", who), "sigterm walks the shutdown, kill_on_exit kills the program when the trace ends")
	}
	return nil
}

func (p *parser) process(n *yaml.Node) (Process, error) {
	pr := Process{Line: n.Line, ReadyTimeout: DefaultReadyTimeout}
	err := p.mapping(n, "a process", map[string]func(*yaml.Node) error{
		"name":     func(v *yaml.Node) error { return p.scalar(v, "name", &pr.Name) },
		"command":  func(v *yaml.Node) error { return p.strings(v, "command", &pr.Command) },
		"fallback": func(v *yaml.Node) error { return p.strings(v, "fallback", &pr.Fallback) },
		"env":      func(v *yaml.Node) error { return p.env(v, &pr.Env) },
		"ready": func(v *yaml.Node) error {
			var text string
			if err := p.scalar(v, "ready", &text); err != nil {
				return err
			}
			network, addr, ok := strings.Cut(strings.TrimSpace(text), " ")
			if !ok || network != "tcp" || strings.TrimSpace(addr) == "" {
				return p.fail(v.Line, fmt.Sprintf("ready %q is not `tcp HOST:PORT`", text), "e.g. ready: tcp 127.0.0.1:2379, the address that answers once the process serves")
			}
			pr.Ready = strings.TrimSpace(addr)
			return nil
		},
		"ready_timeout": func(v *yaml.Node) error { return p.duration(v, "ready_timeout", &pr.ReadyTimeout) },
	})
	switch {
	case err != nil:
		return pr, err
	case pr.Name == "":
		return pr, p.fail(n.Line, "a process has no name", "give it one, e.g. `name: etcd`")
	case len(pr.Command) == 0:
		return pr, p.fail(n.Line, fmt.Sprintf("the process %s has no command", pr.Name), "e.g. command: [etcd, --data-dir, \"{tmp}/etcd\"]")
	}
	return pr, nil
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("the value %q", n.Value)
	case yaml.AliasNode:
		return "an alias"
	}
	return "nothing"
}

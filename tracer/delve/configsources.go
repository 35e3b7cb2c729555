package delve

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"strings"
	"time"

	"github.com/go-delve/delve/service/api"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/provenance"
)

// configLoad holds the places in Kratos' (*config).Load that config
// provenance reads the sources at, found in the config.go of the linked
// Kratos version by the shape of its code, never by fixed lines:
//
//	for _, src := range c.opts.sources {
//		kvs, err := src.Load()
//		if err != nil {          ← sourceLine: src and the kvs it returned
//		…
//	}
//	if err := c.reader.Resolve(); err != nil {   ← resolveLine: config.load
type configLoad struct {
	file        string
	sourceLine  int
	srcVar      string
	kvsVar      string
	resolveLine int
}

// parseConfigLoad finds the configLoad places in Kratos' config/config.go.
func parseConfigLoad(path string) (configLoad, error) {
	cl := configLoad{file: path}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		return cl, fmt.Errorf("parse kratos source: %w", err)
	}
	var body *ast.BlockStmt
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if ok && fd.Name.Name == "Load" && fd.Recv != nil && fd.Body != nil {
			body = fd.Body
		}
	}
	if body == nil {
		return cl, fmt.Errorf("no (*config).Load in %s", path)
	}
	line := func(n ast.Node) int { return fset.Position(n.Pos()).Line }
	for i, stmt := range body.List {
		loop, ok := stmt.(*ast.RangeStmt)
		if !ok || lastSelector(loop.X) != "sources" {
			continue
		}
		src, ok := loop.Value.(*ast.Ident)
		if !ok {
			continue
		}
		for j, s := range loop.Body.List {
			as, ok := s.(*ast.AssignStmt)
			if !ok || len(as.Lhs) == 0 || len(as.Rhs) != 1 || methodReceiver(as.Rhs[0], "Load") != src.Name {
				continue
			}
			kvs, ok := as.Lhs[0].(*ast.Ident)
			if !ok || j+1 >= len(loop.Body.List) {
				continue
			}
			cl.srcVar, cl.kvsVar = src.Name, kvs.Name
			cl.sourceLine = line(loop.Body.List[j+1])
			break
		}
		if i+1 < len(body.List) {
			cl.resolveLine = line(body.List[i+1])
		}
		break
	}
	if cl.sourceLine == 0 || cl.resolveLine == 0 {
		return cl, fmt.Errorf("no loop loading the config sources in %s's (*config).Load", path)
	}
	return cl, nil
}

// configLoadEntries plans config.load: where the sources are read and
// where the phase stops, once they are all loaded and merged and before
// their placeholders are resolved. Without the linked Kratos' config.go the
// phase stops at Load's entry, and its sources are not read.
func configLoadEntries(kratosDir string) ([]planEntry, string) {
	fn := kratosFunc("/config.(*config).Load")
	entry := planEntry{PlannedPhase: tracer.PlannedPhase{Phase: tracer.PhaseConfigLoad, Function: fn}}
	if kratosDir == "" {
		// The note on Kratos' missing source is made once, for app.go.
		return []planEntry{entry}, ""
	}
	cl, err := parseConfigLoad(filepath.Join(kratosDir, "config", "config.go"))
	if err != nil {
		return []planEntry{entry}, err.Error() + "; config.load stops where Load begins, without the sources"
	}
	return []planEntry{
		{
			PlannedPhase: tracer.PlannedPhase{Phase: tracer.PhaseConfigLoad, File: cl.file, Line: cl.sourceLine},
			inFunc:       fn, configSource: true, srcVar: cl.srcVar, kvsVar: cl.kvsVar,
		},
		{PlannedPhase: tracer.PlannedPhase{Phase: tracer.PhaseConfigLoad, File: cl.file, Line: cl.resolveLine}, inFunc: fn},
	}, ""
}

// Go types of the sources Kratos ships.
const (
	fileSourceType = "*" + KratosModule + "/config/file.file"
	envSourceType  = "*" + KratosModule + "/config/env.env"
)

// sourceLoad reads a source: the interface, its pointer and the struct.
var sourceLoad = api.LoadConfig{FollowPointers: true, MaxVariableRecurse: 3, MaxStringLen: 4096, MaxArrayValues: 64, MaxStructFields: -1}

// kvsLoad reads the key-values a source returned, each value's first bytes
// with them: an env variable's whole value, usually, so that only the
// longer values (files) need a request of their own.
var kvsLoad = api.LoadConfig{FollowPointers: true, MaxVariableRecurse: 2, MaxStringLen: 4096, MaxArrayValues: 128, MaxStructFields: -1}

// maxSourceBytes caps how much of one key-value is read from the program.
const maxSourceBytes = 1 << 20

// readConfigSource reads, at the sourceLine of (*config).Load, the source
// being loaded and the key-values its Load returned, from the program's
// memory: never from disk, so that it works for a program built elsewhere
// or running on another machine.
func (s *Session) readConfigSource(th *api.Thread, e planEntry) {
	start := time.Now()
	defer func() { s.provenanceTime += time.Since(start) }()
	scope := api.EvalScope{GoroutineID: th.GoroutineID}
	src := provenance.Source{Kind: provenance.KindOther}
	if v, err := s.client.EvalVariable(scope, e.srcVar, sourceLoad); err == nil {
		describeSource(v, &src)
	} else {
		debugf("config source: read %s: %v", e.srcVar, err)
	}
	kvs, err := s.client.EvalVariable(scope, e.kvsVar, kvsLoad)
	if err != nil {
		debugf("config source: read %s: %v", e.kvsVar, err)
		s.configSources = append(s.configSources, src)
		return
	}
	if int64(len(kvs.Children)) < kvs.Len {
		s.configNotes = append(s.configNotes, fmt.Sprintf("%s returned %d key-values; the first %d were read", src.Type, kvs.Len, len(kvs.Children)))
	}
	for i := range kvs.Children {
		kv := structOf(&kvs.Children[i])
		if kv == nil {
			continue
		}
		item := provenance.KeyValue{Key: fieldString(kv, "Key"), Format: fieldString(kv, "Format")}
		value := field(kv, "Value")
		switch {
		case value == nil:
		case int64(len(value.Children)) == value.Len:
			item.Value = bytesOf(value)
		default:
			expr := fmt.Sprintf("string(%s[%d].Value)", e.kvsVar, i)
			str, err := s.client.EvalVariable(scope, expr, api.LoadConfig{MaxStringLen: maxSourceBytes})
			if err != nil {
				debugf("config source: read %s: %v", expr, err)
				continue
			}
			item.Value = constantString(str)
			item.Truncated = str.Len > int64(len(item.Value))
		}
		src.KVs = append(src.KVs, item)
	}
	s.configSources = append(s.configSources, src)
}

// describeSource fills in what kind of source v, a config.Source, is.
func describeSource(v *api.Variable, src *provenance.Source) {
	if v.Kind == reflect.Interface && len(v.Children) > 0 {
		v = &v.Children[0]
	}
	src.Type = v.Type
	st := structOf(v)
	switch v.Type {
	case fileSourceType:
		src.Kind = provenance.KindFile
		if st != nil {
			src.Path = fieldString(st, "path")
		}
	case envSourceType:
		src.Kind = provenance.KindEnv
		if st != nil {
			if p := field(st, "prefixes"); p != nil {
				for i := range p.Children {
					src.Prefixes = append(src.Prefixes, constantString(&p.Children[i]))
				}
			}
		}
	}
}

// structOf returns the struct v is or points to, or nil.
func structOf(v *api.Variable) *api.Variable {
	for v != nil && v.Kind == reflect.Ptr {
		if len(v.Children) == 0 || v.Children[0].Addr == 0 {
			return nil
		}
		v = &v.Children[0]
	}
	if v == nil || v.Kind != reflect.Struct {
		return nil
	}
	return v
}

// field returns the field called name of the struct v.
func field(v *api.Variable, name string) *api.Variable {
	for i := range v.Children {
		if v.Children[i].Name == name {
			return &v.Children[i]
		}
	}
	return nil
}

// fieldString returns a string field's value, or "".
func fieldString(v *api.Variable, name string) string {
	f := field(v, name)
	if f == nil {
		return ""
	}
	return constantString(f)
}

// constantString is a string variable's value as the program holds it
// (api.Variable.Value is the plain text for a string).
func constantString(v *api.Variable) string {
	return v.Value
}

// bytesOf turns a loaded []byte into its text.
func bytesOf(v *api.Variable) string {
	b := make([]byte, 0, len(v.Children))
	for _, c := range v.Children {
		var n int
		_, _ = fmt.Sscan(c.Value, &n)
		b = append(b, byte(n))
	}
	return string(b)
}

// readConfigOptions notes, at the config.load stop, whether the program
// changed Kratos' decoder, merge or resolver: provenance follows the
// defaults, so a custom one makes its answer a best effort.
func (s *Session) readConfigOptions(scope api.EvalScope) {
	v, err := s.client.EvalVariable(scope, "c.opts", api.LoadConfig{MaxVariableRecurse: 1, MaxStructFields: -1})
	if err != nil {
		return
	}
	defaults := map[string]string{
		"decoder":  kratosFunc("/config.defaultDecoder"),
		"resolver": kratosFunc("/config.defaultResolver"),
		"merge":    kratosFunc("/config.New.func1"),
	}
	for _, f := range v.Children {
		want, ok := defaults[f.Name]
		if !ok || f.Value == "" || f.Value == want {
			continue
		}
		s.configNotes = append(s.configNotes, fmt.Sprintf("the program's config %s is %s, not Kratos' default: origins follow the default rules", f.Name, f.Value))
	}
}

// provenanceOptions says how to show the program's config paths.
func (s *Session) provenanceOptions(plain bool) provenance.Options {
	o := provenance.Options{Plain: plain, Environ: s.environ}
	if s.remote == nil && s.target != nil {
		o.WorkDir, o.Root = s.cfg.WorkingDir, s.target.ModuleDir
	}
	return o
}

// readEnviron reads the program's environment from its memory
// (syscall.envs, what os.Environ copies), when an env source needs its
// variables named. It is kept only to name them.
func (s *Session) readEnviron(scope api.EvalScope) {
	needed := false
	for _, src := range s.configSources {
		if src.Kind == provenance.KindEnv && len(src.KVs) > 0 {
			needed = true
		}
	}
	if !needed {
		return
	}
	v, err := s.client.EvalVariable(scope, "syscall.envs", api.LoadConfig{MaxStringLen: 64 * 1024, MaxArrayValues: 4096})
	if err != nil {
		debugf("config sources: read the environment: %v", err)
		return
	}
	s.environ = s.environ[:0]
	for i := range v.Children {
		s.environ = append(s.environ, v.Children[i].Value)
	}
}

// isProtoMessage reports whether the type of a decoded config value is a
// protobuf message, which config.Scan decodes with protojson.
func isProtoMessage(v *api.Variable) bool {
	st := structOf(v)
	if st == nil {
		return false
	}
	for _, f := range st.Children {
		if f.Name == "state" && strings.HasSuffix(f.Type, "MessageState") {
			return true
		}
	}
	return false
}

// describeConfigSources is the config.load stop's list of sources.
func (s *Session) describeConfigSources() []tracer.ConfigSource {
	if s.configSources == nil {
		return nil
	}
	return provenance.Describe(s.configSources, s.provenanceOptions(false))
}

// atConfigLoad completes what the config.load stop shows once every source
// is loaded: the sources' descriptions, and notes on what provenance will
// not follow.
func (s *Session) atConfigLoad(scope api.EvalScope) {
	if s.configSources == nil {
		return
	}
	start := time.Now()
	s.readConfigOptions(scope)
	s.readEnviron(scope)
	s.configDescribed = s.describeConfigSources()
	s.provenanceTime += time.Since(start)
	for _, n := range s.configNotes {
		s.status("config provenance: %s", n)
	}
	s.configNotes = nil
}

// annotateOrigins sets the origin of every leaf of root, the Bootstrap
// just read at config.scan, from the sources read in config.Load.
func (s *Session) annotateOrigins(root *tracer.Node, plain bool) {
	if s.configSources == nil {
		return
	}
	start := time.Now()
	notes := provenance.Annotate(root, s.configSources, s.provenanceOptions(plain))
	s.provenanceTime += time.Since(start)
	debugf("config provenance: %s spent reading and annotating the config sources", s.provenanceTime)
	for _, n := range notes {
		s.status("config provenance: %s", n)
	}
}

// ProvenanceTime is how long the trace spent reading the config sources
// and computing the origins of the Bootstrap, for the benchmark.
func (s *Session) ProvenanceTime() time.Duration {
	return s.provenanceTime
}

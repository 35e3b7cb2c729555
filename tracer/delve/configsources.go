package delve

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"strconv"
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

// kvsLoad reads many key-values at once, each value's first bytes with
// them (MaxArrayValues, set to their number, bounds those too): an env
// variable's whole value, usually.
var kvsLoad = api.LoadConfig{FollowPointers: true, MaxVariableRecurse: 1, MaxStringLen: 4096, MaxStructFields: -1}

// maxSourceBytes caps how much of one key-value is read from the program.
const maxSourceBytes = 1 << 20

// readConfigSource reads, at the sourceLine of (*config).Load, the source
// being loaded and the key-values its Load returned, from the program's
// memory: never from disk, so that it works for a program built elsewhere
// or running on another machine.
func (s *Session) readConfigSource(th *api.Thread, e planEntry) {
	start := time.Now()
	defer func() { s.provenanceTime += time.Since(start) }()
	if s.configLoaded {
		// A second config.Load (a program with two configs): its sources
		// are its own.
		s.configSources, s.configLoaded = nil, false
	}
	scope := api.EvalScope{GoroutineID: th.GoroutineID}
	src := provenance.Source{Kind: provenance.KindOther}
	if v, err := s.client.EvalVariable(scope, e.srcVar, sourceLoad); err == nil {
		describeSource(v, &src)
	} else {
		debugf("config source: read %s: %v", e.srcVar, err)
	}
	count := 0
	if n, err := s.client.EvalVariable(scope, "len("+e.kvsVar+")", api.LoadConfig{}); err == nil {
		count, _ = strconv.Atoi(n.Value)
	} else {
		debugf("config source: read len(%s): %v", e.kvsVar, err)
	}
	if count <= fewKeyValues {
		for i := range count {
			if kv, ok := s.readKeyValue(scope, e.kvsVar, i); ok {
				src.KVs = append(src.KVs, kv)
			}
		}
	} else {
		src.KVs = s.readKeyValues(scope, e.kvsVar, count, src.Type)
	}
	s.configSources = append(s.configSources, src)
}

// fewKeyValues is how many key-values are read one small request at a
// time (a config directory's files, a few variables); more (an env source
// without a prefix takes the whole environment) are read in one request.
const fewKeyValues = 16

// readKeyValue reads kvs[i] with three small requests.
func (s *Session) readKeyValue(scope api.EvalScope, kvs string, i int) (provenance.KeyValue, bool) {
	var kv provenance.KeyValue
	for _, f := range []struct {
		expr string
		to   *string
	}{{"%s[%d].Key", &kv.Key}, {"%s[%d].Format", &kv.Format}, {"string(%s[%d].Value)", &kv.Value}} {
		expr := fmt.Sprintf(f.expr, kvs, i)
		v, err := s.client.EvalVariable(scope, expr, api.LoadConfig{MaxStringLen: maxSourceBytes})
		if err != nil {
			debugf("config source: read %s: %v", expr, err)
			return kv, false
		}
		*f.to = v.Value
		if f.to == &kv.Value {
			kv.Truncated = v.Len > int64(len(kv.Value))
		}
	}
	return kv, true
}

// readKeyValues reads count key-values in one request, and the values
// longer than what it loaded with a request each.
func (s *Session) readKeyValues(scope api.EvalScope, kvs string, count int, srcType string) []provenance.KeyValue {
	cfg := kvsLoad
	cfg.MaxArrayValues = min(count, maxBulkKeyValues)
	v, err := s.client.EvalVariable(scope, kvs, cfg)
	if err != nil {
		debugf("config source: read %s: %v", kvs, err)
		return nil
	}
	if len(v.Children) < count {
		s.configNotes = append(s.configNotes, fmt.Sprintf("%s returned %d key-values; the first %d were read", srcType, count, len(v.Children)))
	}
	var out []provenance.KeyValue
	for i := range v.Children {
		st := structOf(&v.Children[i])
		if st == nil {
			continue
		}
		kv := provenance.KeyValue{Key: fieldString(st, "Key"), Format: fieldString(st, "Format")}
		if value := field(st, "Value"); value != nil && int64(len(value.Children)) == value.Len {
			kv.Value = bytesOf(value)
		} else if full, ok := s.readKeyValue(scope, kvs, i); ok {
			kv = full
		}
		out = append(out, kv)
	}
	return out
}

// maxBulkKeyValues caps the key-values read from one source.
const maxBulkKeyValues = 4096

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
					src.Prefixes = append(src.Prefixes, p.Children[i].Value)
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

// fieldString returns a string field's value, or "" (api.Variable.Value
// is a string's plain text).
func fieldString(v *api.Variable, name string) string {
	f := field(v, name)
	if f == nil {
		return ""
	}
	return f.Value
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
// (syscall.envs, what os.Environ copies) when an env source's variables
// cannot be named from its prefixes alone: with a prefix that does not end
// in "_", or several prefixes. With one prefix such as "KRATOS_", key X can
// only come from KRATOS_X (or the freak KRATOS__X), and reading a whole
// environment would cost more than all the rest of provenance. The
// environment is kept only to name the variables.
func (s *Session) readEnviron(scope api.EvalScope) {
	needed := false
	for _, src := range s.configSources {
		if src.Kind != provenance.KindEnv || len(src.KVs) == 0 {
			continue
		}
		if len(src.Prefixes) != 1 || !strings.HasSuffix(src.Prefixes[0], "_") {
			needed = true
		}
	}
	if !needed {
		return
	}
	v, err := s.client.EvalVariable(scope, "syscall.envs", api.LoadConfig{MaxStringLen: 4096, MaxArrayValues: 4096})
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
	return st != nil && isMessage(st)
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
	s.configLoaded = true
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

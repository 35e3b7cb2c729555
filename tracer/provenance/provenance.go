// Package provenance answers "where does this config value come from?" for
// a Kratos service: given the key-values each config source's Load returned,
// in the order config.Load merged them, it replays Kratos' own rules (decode
// each key-value with its format's codec, merge with mergo's override
// semantics, resolve ${KEY:default} placeholders) while keeping, for every
// key, the place that set it and the values it replaced. Annotate then
// attaches that to each leaf of the decoded Bootstrap tree.
//
// It works on plain data and knows nothing of a debugger: tracer/delve reads
// the sources from the running program's memory and hands them here, so the
// answer is the same live, through connect, and in tests.
//
// The rules followed are those of Kratos v2.8 and v2.9 (config/reader.go,
// config/options.go, config/file, config/env), which are the same:
//   - sources merge in order; inside a file source, a directory's files in
//     name order; each key-value is decoded on its own and merged over what
//     came before;
//   - merging two maps merges key by key; any other value (a scalar, a list,
//     a null, a map over a non-map) replaces the earlier one whole, even when
//     it is empty; a list is never merged element by element;
//   - a key-value without a format (every env variable) sets the key named by
//     splitting its Key at dots;
//   - after every source is merged, each string holding ${KEY} or
//     ${KEY:default} is expanded: KEY is looked up in the merged config by its
//     dotted path, and the default (or "") is used when it is absent.
package provenance

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// The kinds of Source.
const (
	KindFile  = "file"
	KindEnv   = "env"
	KindOther = "other"
)

// KeyValue is one key-value a source's Load returned: Kratos'
// config.KeyValue, with its Value as text.
type KeyValue struct {
	Key    string
	Value  string
	Format string
	// Truncated says Value was cut short when it was read.
	Truncated bool
}

// Source is one config source, with the key-values its Load returned.
type Source struct {
	// Kind is KindFile, KindEnv or KindOther.
	Kind string
	// Type is the source's Go type as the program names it, e.g.
	// "*github.com/go-kratos/kratos/v2/config/file.file".
	Type string
	// Path is a file source's path as the program was given it: a file, or
	// a directory whose files are the key-values.
	Path string
	// Prefixes are an env source's prefixes.
	Prefixes []string
	KVs      []KeyValue
}

// Options say how to show and interpret what the sources hold.
type Options struct {
	// WorkDir is the program's working directory, against which a relative
	// file path is resolved; "" when it is not known (a remote program).
	WorkDir string
	// Root is the directory paths are shown relative to, usually the
	// program's module root; "" shows them as the program opened them.
	Root string
	// Plain says the Bootstrap is a plain Go struct, decoded with
	// encoding/json (keys match field names case-insensitively), rather
	// than a protobuf message decoded with protojson.
	Plain bool
	// Environ is the program's environment as NAME=value, used to name the
	// variable behind each key of an env source exactly.
	Environ []string
}

// Result is the merged config with the provenance of every key.
type Result struct {
	root *val
	// Notes say what could not be followed, e.g. a file that did not decode.
	Notes []string
}

// Merge replays config.Load over sources: every key-value decoded and merged
// in order, then the placeholders resolved.
func Merge(sources []Source, opts Options) *Result {
	res := &Result{root: newMap(tracer.Origin{})}
	for _, src := range sources {
		for _, kv := range src.KVs {
			base := originOf(src, kv, opts)
			v, err := decode(kv, base)
			if err != nil {
				res.Notes = append(res.Notes, fmt.Sprintf("%s: %v; its keys are left out", describeKV(src, kv, opts), err))
				continue
			}
			mergeMaps(res.root, v)
		}
	}
	resolvePlaceholders(res.root)
	return res
}

// Lookup returns the origin of the value at a dotted key of the merged
// config and the values it replaced, or false when no source set that key.
func (r *Result) Lookup(key string) (tracer.Origin, []tracer.Override, bool) {
	v := r.root.find(strings.Split(key, "."))
	if v == nil {
		return tracer.Origin{}, nil, false
	}
	return v.finalOrigin(), v.overrides, true
}

// Annotate merges sources as config.Load does and sets Origin and Overrides
// on every leaf of root, the decoded Bootstrap. It returns notes on what it
// could not follow.
func Annotate(root *tracer.Node, sources []Source, opts Options) []string {
	res := Merge(sources, opts)
	res.Annotate(root, opts)
	return res.Notes
}

// originOf is where a key-value's keys come from, before positions.
func originOf(src Source, kv KeyValue, opts Options) tracer.Origin {
	switch src.Kind {
	case KindFile:
		return tracer.Origin{Kind: tracer.OriginFile, Source: filePath(src.Path, kv.Key, opts)}
	case KindEnv:
		return tracer.Origin{Kind: tracer.OriginEnv, Source: strings.Join(src.Prefixes, ","), Key: envName(src.Prefixes, kv, opts.Environ)}
	}
	// The source's own key: a document's name for a formatted key-value,
	// whose keys then get their positions in it, or the config key.
	return tracer.Origin{Kind: tracer.OriginOther, Source: shortType(src.Type), Key: kv.Key}
}

// filePath is the file a file source's key-value came from, as the program
// opened it and shown relative to opts.Root where it lies inside it. A file
// source given a file has that file's name as its only key; given a
// directory, each key is a file name in it.
func filePath(srcPath, key string, opts Options) string {
	p := srcPath
	if key != "" && filepath.Base(srcPath) != key {
		p = filepath.Join(srcPath, key)
	}
	if !filepath.IsAbs(p) && opts.WorkDir != "" {
		p = filepath.Join(opts.WorkDir, p)
	}
	p = filepath.Clean(p)
	if opts.Root != "" && filepath.IsAbs(p) {
		if rel, err := filepath.Rel(opts.Root, p); err == nil && !strings.HasPrefix(rel, "..") {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.ToSlash(p)
}

// envName names the variable an env source's key came from. Kratos strips
// the first matching prefix and then one "_"; the program's environment
// says which variable that was. Without it, the prefix is put back as the
// common case has it (KRATOS_ + KEY).
func envName(prefixes []string, kv KeyValue, environ []string) string {
	for _, e := range environ {
		name, value, ok := strings.Cut(e, "=")
		if !ok || value != kv.Value {
			continue
		}
		if len(prefixes) == 0 {
			if name == kv.Key {
				return name
			}
			continue
		}
		for _, p := range prefixes {
			if !strings.HasPrefix(name, p) {
				continue
			}
			// Kratos uses the first prefix that matches.
			if name != p && strings.TrimPrefix(strings.TrimPrefix(name, p), "_") == kv.Key {
				return name
			}
			break
		}
	}
	if len(prefixes) == 0 {
		return kv.Key
	}
	p := prefixes[0]
	if strings.HasSuffix(p, "_") {
		return p + kv.Key
	}
	return p + "_" + kv.Key
}

// shortType cuts a Go type's package path to its last element:
// "*github.com/x/nacos.source" → "*nacos.source".
func shortType(t string) string {
	star := ""
	for strings.HasPrefix(t, "*") {
		star += "*"
		t = t[1:]
	}
	if i := strings.LastIndexByte(t, '/'); i >= 0 {
		t = t[i+1:]
	}
	return star + t
}

// describeKV names a key-value in a note.
func describeKV(src Source, kv KeyValue, opts Options) string {
	switch src.Kind {
	case KindFile:
		return filePath(src.Path, kv.Key, opts)
	case KindEnv:
		return "env " + envName(src.Prefixes, kv, opts.Environ)
	}
	return shortType(src.Type) + " " + kv.Key
}

// Describe lists the sources as the config.load stop shows them: each
// key-value with a format (each file) on its own, and the key-values
// without one (an env source's variables) together, one entry per source.
// Content holds the text as loaded; an env source's is its variables, one
// NAME=value a line.
func Describe(sources []Source, opts Options) []tracer.ConfigSource {
	var out []tracer.ConfigSource
	for _, src := range sources {
		var plain []string
		for _, kv := range src.KVs {
			if kv.Format == "" {
				name := kv.Key
				if src.Kind == KindEnv {
					name = envName(src.Prefixes, kv, opts.Environ)
				}
				plain = append(plain, name+"="+kv.Value)
				continue
			}
			cs := tracer.ConfigSource{Kind: kindName(src), Format: kv.Format, Size: len(kv.Value), Content: kv.Value}
			switch src.Kind {
			case KindFile:
				cs.Name = filePath(src.Path, kv.Key, opts)
			default:
				cs.Name = kv.Key
			}
			if v, err := decode(kv, tracer.Origin{}); err == nil {
				cs.Keys = v.countLeaves()
			}
			out = append(out, cs)
		}
		if len(plain) > 0 || src.Kind == KindEnv {
			sort.Strings(plain)
			cs := tracer.ConfigSource{Kind: kindName(src), Keys: len(plain), Content: strings.Join(plain, "\n")}
			cs.Size = len(cs.Content)
			switch src.Kind {
			case KindEnv:
				cs.Name = strings.Join(src.Prefixes, ",")
				if cs.Name == "" {
					cs.Name = "(all variables)"
				}
			case KindFile:
				cs.Name = filePath(src.Path, "", opts)
			}
			out = append(out, cs)
		}
	}
	return out
}

// kindName is ConfigSource.Kind for src: "file", "env", or its Go type.
func kindName(src Source) string {
	if src.Kind == KindOther {
		return shortType(src.Type)
	}
	return src.Kind
}

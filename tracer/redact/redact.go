// Package redact masks values that look secret before a trace leaves the
// machine's screen: before it is recorded to a file or exported. The live
// views (TUI, headless) show the real values; files never hold them unless
// the user says --no-redact.
//
// What counts as secret is a guess, made on purpose to err towards masking:
//   - the password in a URL or DSN: postgres://user:****@host/db,
//     user:****@tcp(127.0.0.1:3306)/db;
//   - in free text, the value after a key such as password=, "token": or
//     api_key: (and an Authorization header's credentials);
//   - in a config tree, every value below a field or map key named like a
//     secret: password, passwd, pwd, pass, passphrase, secret, token, key,
//     api_key, credentials, and names ending in one of those (dbPassword,
//     client_secret, accessToken).
//
// Every function is idempotent: masking masked text changes nothing.
package redact

import (
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// Mask replaces a secret.
const Mask = "****"

var (
	// urlPassword matches the password of a URL's userinfo. The password
	// runs to the last '@' before the host, so an unescaped '@' in it is
	// masked too.
	urlPassword = regexp.MustCompile(`(?i)\b([a-z][a-z0-9+.\-]*://[^\s:/?#@"'<>]*):([^\s/"'<>]+)@`)
	// dsnPassword matches the password of a Go MySQL-style DSN,
	// user:password@protocol(address)/db or user:password@/db; the shortest
	// password followed by a protocol wins, so '@' inside it is masked too.
	dsnPassword = regexp.MustCompile(`([\w.\-+%~$!]+):(\S+?)@((?:tcp6?|udp6?|unix|memcache)\(|/)`)
	// keyValue matches a secret-named key and its value in free text:
	// password=x, PGPASSWORD=x, "token": "x", api_key: x.
	keyValue = regexp.MustCompile(`(?i)((?:password|passwd|passphrase|pwd|secret|token|api[_\-]?key|access[_\-]?key|private[_\-]?key|secret[_\-]?key)["']?\s*[=:]\s*["']?)([^\s"'&;,)]+)`)
	// authHeader matches an HTTP Authorization header's credentials.
	authHeader = regexp.MustCompile(`(?i)(authorization["']?\s*[=:]\s*["']?(?:bearer|basic|token|digest)\s+)([^\s"',]+)`)
)

// String masks the secrets in free text such as a line of program output, a
// config value or an error message.
func String(s string) string {
	if s == "" {
		return s
	}
	s = Credentials(s)
	s = keyValue.ReplaceAllString(s, "${1}"+Mask)
	return authHeader.ReplaceAllString(s, "${1}"+Mask)
}

// Credentials masks only passwords inside URLs and DSNs. It is meant for
// source code (snippets, stack frames), where String's key=value rule would
// mangle ordinary statements such as `token := r.Header.Get("X")`.
func Credentials(s string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	s = urlPassword.ReplaceAllString(s, "${1}:"+Mask+"@")
	return dsnPassword.ReplaceAllString(s, "${1}:"+Mask+"@${3}")
}

// secretWords are the last words of a name that mark it as holding a secret.
var secretWords = []string{"password", "passwd", "passphrase", "pwd", "pass", "secret", "secrets", "token", "key", "apikey", "credential", "credentials"}

// lookupKeys are the words before "key" that make it a key to look
// something up by, not a key that opens something: kratos' HTTP resolver's
// selectorKey, a cache key, a table's primary key.
var lookupKeys = []string{"selector", "cache", "primary", "foreign", "sort", "partition", "routing", "shard", "index", "lookup", "map"}

// SensitiveName reports whether a field or map key named name probably
// holds a secret: its last word (split at '_', '-', '.', and at camelCase)
// is a secret word, or ends in password, secret, token or key
// ("dbpassword", "apikey"). A name whose secret word is not last, such as
// token_ttl or key_prefix, is not sensitive: it describes the secret rather
// than holding it.
func SensitiveName(name string) bool {
	words := splitWords(name)
	if len(words) == 0 {
		return false
	}
	last := words[len(words)-1]
	if last == "key" && len(words) > 1 && slices.Contains(lookupKeys, words[len(words)-2]) {
		return false
	}
	for _, w := range secretWords {
		if last == w {
			return true
		}
	}
	for _, suffix := range []string{"password", "passwd", "secret", "token", "key"} {
		if strings.HasSuffix(last, suffix) {
			return true
		}
	}
	return false
}

// splitWords splits a name into lower-case words at punctuation and at a
// lower-to-upper case change.
func splitWords(name string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	var prev rune
	for _, r := range name {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r) && (unicode.IsLower(prev) || unicode.IsDigit(prev)):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
		prev = r
	}
	flush()
	return words
}

// Node returns a copy of the config tree n with secrets masked: every
// non-empty value below a sensitive name, and the URL and DSN passwords and
// secret key=value pairs in every other value. n itself is not changed.
func Node(n *tracer.Node) *tracer.Node {
	return redactNode(n, false)
}

func redactNode(n *tracer.Node, secret bool) *tracer.Node {
	if n == nil {
		return nil
	}
	// The expression that reads a value, what a cap left out and where a
	// config value came from are code, counts and places, not values: they
	// are kept (an origin's secret parts are masked by origins).
	out := &tracer.Node{Name: n.Name, Type: n.Type, Expr: n.Expr, Unloaded: n.Unloaded, More: n.More, Hash: n.Hash}
	// A header node (an *http.Request's Authorization or Cookie) holds a
	// credential by its name, as a secret-named field does.
	secret = secret || SensitiveName(n.Name) || secretHeaders[strings.ToLower(n.Name)]
	out.Origin, out.Overrides = origins(n, secret)
	// A composite can have a value too: an error's message.
	switch {
	case secret && n.Value != "" && n.Value != "<nil>" && n.Value != "nil":
		out.Value = Mask
	default:
		out.Value = String(n.Value)
	}
	if len(n.Children) > 0 {
		out.Children = make([]*tracer.Node, len(n.Children))
		for i, c := range n.Children {
			out.Children[i] = redactNode(c, secret)
		}
	}
	return out
}

// Nodes returns copies of the trees ns with secrets masked, as Node does;
// a variable or a watch named like a secret (dbPassword, cfg.Token) is
// masked whole.
func Nodes(ns []*tracer.Node) []*tracer.Node {
	if ns == nil {
		return nil
	}
	out := make([]*tracer.Node, len(ns))
	for i, n := range ns {
		out[i] = Node(n)
	}
	return out
}

// Event returns a copy of ev with every secret masked: in the Bootstrap tree,
// the variables, watches and results, the config sources, the request and
// its reply, the registered instance, the program's output, the program's
// arguments, status and error texts, and the URL/DSN passwords in source
// snippets. ev itself, and everything it points to, is not changed, so the
// live view can go on showing the real values.
func Event(ev tracer.Event) tracer.Event {
	ev.Bootstrap = Node(ev.Bootstrap)
	ev.Args = Nodes(ev.Args)
	ev.Locals = Nodes(ev.Locals)
	ev.Results = Nodes(ev.Results)
	if ev.Watches != nil {
		watches := make([]tracer.WatchValue, len(ev.Watches))
		for i, w := range ev.Watches {
			w.Value = Node(w.Value)
			w.Error = String(w.Error)
			watches[i] = w
		}
		ev.Watches = watches
	}
	ev.ConfigSources = ConfigSources(ev.ConfigSources)
	if ev.Output != nil {
		o := *ev.Output
		o.Text = String(o.Text)
		ev.Output = &o
	}
	ev.Status = String(ev.Status)
	ev.Error = String(ev.Error)
	ev.Reason = String(ev.Reason)
	ev.Detail = String(ev.Detail)
	if ev.Source != nil {
		src := tracer.Snippet{First: ev.Source.First, Lines: make([]string, len(ev.Source.Lines))}
		for i, l := range ev.Source.Lines {
			src.Lines[i] = Credentials(l)
		}
		ev.Source = &src
	}
	if ev.Servers != nil {
		servers := make([]tracer.Server, len(ev.Servers))
		for i, s := range ev.Servers {
			s.Address = String(s.Address)
			s.Endpoint = String(s.Endpoint)
			servers[i] = s
		}
		ev.Servers = servers
	}
	if ev.Session != nil {
		sess := *ev.Session
		sess.Args = Args(sess.Args)
		ev.Session = &sess
	}
	ev.Request = Request(ev.Request)
	ev.Instance = Instance(ev.Instance)
	ev.Discovery = Discovery(ev.Discovery)
	ev.Clients = Clients(ev.Clients)
	ev.Call = Call(ev.Call)
	return ev
}

// Call returns a copy of an outgoing call with its metadata masked as a
// request's headers are, and URL passwords in its target, endpoint and
// error.
func Call(c *tracer.ClientCall) *tracer.ClientCall {
	if c == nil {
		return nil
	}
	out := *c
	out.Target, out.Endpoint, out.Error = String(c.Target), String(c.Endpoint), String(c.Error)
	out.Metadata = Headers(c.Metadata)
	return &out
}

// Discovery returns a copy of what a discovery phase saw with the secrets
// of its client and instances masked, as Instance masks one.
func Discovery(d *tracer.Discovery) *tracer.Discovery {
	if d == nil {
		return nil
	}
	out := *d
	out.Client = client(d.Client)
	if d.Instances != nil {
		out.Instances = make([]tracer.ServiceInstance, len(d.Instances))
		for i := range d.Instances {
			out.Instances[i] = *Instance(&d.Instances[i])
		}
	}
	return &out
}

// Clients returns copies of the clients with URL and DSN passwords in
// their targets and endpoints masked.
func Clients(clients []tracer.Client) []tracer.Client {
	if clients == nil {
		return nil
	}
	out := make([]tracer.Client, len(clients))
	for i, c := range clients {
		out[i] = client(c)
	}
	return out
}

func client(c tracer.Client) tracer.Client {
	c.Target = String(c.Target)
	if c.Endpoints != nil {
		eps := make([]string, len(c.Endpoints))
		for i, e := range c.Endpoints {
			eps[i] = String(e)
		}
		c.Endpoints = eps
	}
	return c
}

// Instance returns a copy of a registered ServiceInstance with its secrets
// masked: the value of a metadata key named like a secret, and URL and DSN
// passwords and key=value pairs in the other values and in the endpoints,
// as in a server's endpoint.
func Instance(in *tracer.ServiceInstance) *tracer.ServiceInstance {
	if in == nil {
		return nil
	}
	out := *in
	if in.Metadata != nil {
		out.Metadata = make(map[string]string, len(in.Metadata))
		for k, v := range in.Metadata {
			if SensitiveName(k) && v != "" {
				v = Mask
			}
			out.Metadata[k] = String(v)
		}
	}
	if in.Endpoints != nil {
		out.Endpoints = make([]string, len(in.Endpoints))
		for i, e := range in.Endpoints {
			out.Endpoints[i] = String(e)
		}
	}
	return &out
}

// Args masks secrets in a program's arguments: URL and DSN passwords and
// key=value pairs in each argument, and the argument that follows a flag
// named like a secret (-password x, --db-token x).
func Args(args []string) []string {
	if args == nil {
		return nil
	}
	out := make([]string, len(args))
	maskNext := false
	for i, a := range args {
		if maskNext && !strings.HasPrefix(a, "-") {
			out[i] = Mask
			maskNext = false
			continue
		}
		maskNext = false
		out[i] = String(a)
		if !strings.HasPrefix(a, "-") {
			continue
		}
		name := strings.TrimLeft(a, "-")
		if key, _, hasValue := strings.Cut(name, "="); hasValue {
			if SensitiveName(key) {
				out[i] = a[:len(a)-len(name)] + key + "=" + Mask
			}
		} else if SensitiveName(name) {
			maskNext = true
		}
	}
	return out
}

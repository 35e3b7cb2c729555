package redact

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
)

func TestString(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"root:hunter2@tcp(127.0.0.1:3306)/shop?parseTime=true", "root:****@tcp(127.0.0.1:3306)/shop?parseTime=true"},
		{"source: root:p@ss:w0rd@tcp(db:3306)/shop", "source: root:****@tcp(db:3306)/shop"},
		{"user:pw@unix(/tmp/mysql.sock)/db", "user:****@unix(/tmp/mysql.sock)/db"},
		{"user:pw@/db", "user:****@/db"},
		{"postgres://app:s3cret@db.internal:5432/app?sslmode=disable", "postgres://app:****@db.internal:5432/app?sslmode=disable"},
		{"redis://:onlypass@127.0.0.1:6379/0", "redis://:****@127.0.0.1:6379/0"},
		{"amqp://guest:gu@st@rabbit:5672/", "amqp://guest:****@rabbit:5672/"},
		{"msg=redis redis://admin:S3cr3t@127.0.0.1:1/0 unreachable", "msg=redis redis://admin:****@127.0.0.1:1/0 unreachable"},
		{"host=db user=app password=s3cret dbname=app", "host=db user=app password=**** dbname=app"},
		{`{"user":"app","password":"s3cret"}`, `{"user":"app","password":"****"}`},
		{"DB_PASSWORD=s3cret ./server", "DB_PASSWORD=**** ./server"},
		{"api_key: abc123", "api_key: ****"},
		{"access_token=abc&x=1", "access_token=****&x=1"},
		{"Authorization: Bearer eyJhbGciOi", "Authorization: Bearer ****"},
		// Nothing secret: left alone.
		{"http://127.0.0.1:8000/helloworld/you", "http://127.0.0.1:8000/helloworld/you"},
		{"INFO msg=[HTTP] server listening on: 127.0.0.1:8000", "INFO msg=[HTTP] server listening on: 127.0.0.1:8000"},
		{"tokens: 5, keys: 3", "tokens: 5, keys: 3"},
		{"mail me at someone@example.com", "mail me at someone@example.com"},
		{"", ""},
	}
	for _, tt := range tests {
		got := String(tt.in)
		if got != tt.want {
			t.Errorf("String(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
		if again := String(got); again != got {
			t.Errorf("String is not idempotent on %q: %q", got, again)
		}
	}
}

func TestCredentialsLeavesCodeAlone(t *testing.T) {
	for _, line := range []string{
		`token := r.Header.Get("X-Token")`,
		`password = os.Getenv("PASSWORD")`,
		`if err := c.Scan(&bc); err != nil {`,
	} {
		if got := Credentials(line); got != line {
			t.Errorf("Credentials(%q) = %q", line, got)
		}
	}
	if got := Credentials(`dsn := "root:hunter2@tcp(db:3306)/x"`); strings.Contains(got, "hunter2") {
		t.Errorf("Credentials kept the password: %q", got)
	}
}

func TestSensitiveName(t *testing.T) {
	for name, want := range map[string]bool{
		"password": true, "Password": true, "db_password": true, "dbPassword": true,
		"passwd": true, "pwd": true, "secret": true, "client_secret": true,
		"token": true, "accessToken": true, "access_token": true, "key": true,
		"api_key": true, "APIKey": true, "private-key": true, "credentials": true,
		"addr": false, "source": false, "read_timeout": false, "token_ttl": false,
		"key_prefix": false, "selectorKey": false, "cache_key": false, "primaryKey": false,
		"secretKey": true, "accessKey": true, "network": false, "driver": false, "timeout": false,
		"": false, "[0]": false,
	} {
		if got := SensitiveName(name); got != want {
			t.Errorf("SensitiveName(%q) = %v, want %v", name, got, want)
		}
	}
}

func bootstrapWithSecrets() *tracer.Node {
	return &tracer.Node{Name: "", Type: "conf.Bootstrap", Children: []*tracer.Node{
		{Name: "data", Children: []*tracer.Node{
			{Name: "database", Children: []*tracer.Node{
				{Name: "driver", Value: "mysql"},
				{Name: "source", Value: "root:hunter2@tcp(127.0.0.1:3306)/shop"},
			}},
			{Name: "redis", Children: []*tracer.Node{
				{Name: "addr", Value: "127.0.0.1:6379"},
				{Name: "password", Value: "redis-pass"},
				{Name: "token", Value: ""},
			}},
		}},
		{Name: "auth", Children: []*tracer.Node{
			{Name: "jwt_secret", Children: []*tracer.Node{
				{Name: "current", Value: "jwt-one"},
				{Name: "previous", Value: "<nil>"},
			}},
			{Name: "token_ttl", Value: "1h"},
		}},
	}}
}

func TestNode(t *testing.T) {
	in := bootstrapWithSecrets()
	before, _ := json.Marshal(in)
	out := Node(in)
	after, _ := json.Marshal(in)
	if string(before) != string(after) {
		t.Fatal("Node changed its argument")
	}
	want := map[string]string{
		"data.database.driver":     "mysql",
		"data.database.source":     "root:****@tcp(127.0.0.1:3306)/shop",
		"data.redis.addr":          "127.0.0.1:6379",
		"data.redis.password":      Mask,
		"data.redis.token":         "", // unset stays visibly unset
		"auth.jwt_secret.current":  Mask,
		"auth.jwt_secret.previous": "<nil>",
		"auth.token_ttl":           "1h",
	}
	got := out.Leaves()
	for path, w := range want {
		if got[path] != w {
			t.Errorf("%s = %q, want %q", path, got[path], w)
		}
	}
	b, _ := json.Marshal(out)
	for _, secret := range []string{"hunter2", "redis-pass", "jwt-one"} {
		if strings.Contains(string(b), secret) {
			t.Errorf("redacted tree still holds %q", secret)
		}
	}
	if Node(nil) != nil {
		t.Error("Node(nil) != nil")
	}
}

func TestEvent(t *testing.T) {
	code := 0
	ev := tracer.Event{
		Kind:      tracer.KindStop,
		Phase:     tracer.PhaseConfigScan,
		Bootstrap: bootstrapWithSecrets(),
		Output:    &tracer.OutputLine{Stream: "stdout", Text: "connecting to root:hunter2@tcp(db:3306)/shop"},
		Error:     "dial postgres://u:pgpass@db/x: refused",
		Source:    &tracer.Snippet{First: 10, Lines: []string{`dsn := "root:hunter2@tcp(db)/x"`, `token := get()`}},
		Session:   &tracer.Session{Target: "./demo", Args: []string{"-conf", "x", "-password", "argpass", "--api-key=argkey", "-dsn", "u:argdsn@tcp(h)/d"}},
		ExitCode:  &code,
	}
	orig, _ := json.Marshal(ev)
	out := Event(ev)
	if now, _ := json.Marshal(ev); string(now) != string(orig) {
		t.Fatal("Event changed its argument")
	}
	b, _ := json.Marshal(out)
	for _, secret := range []string{"hunter2", "redis-pass", "jwt-one", "pgpass", "argpass", "argkey", "argdsn"} {
		if strings.Contains(string(b), secret) {
			t.Errorf("redacted event still holds %q: %s", secret, b)
		}
	}
	if out.Source.Lines[1] != `token := get()` {
		t.Errorf("source line mangled: %q", out.Source.Lines[1])
	}
	if got := strings.Join(out.Session.Args, " "); got != "-conf x -password **** --api-key=**** -dsn u:****@tcp(h)/d" {
		t.Errorf("args = %s", got)
	}
	if again, _ := json.Marshal(Event(out)); string(again) != string(b) {
		t.Error("Event is not idempotent")
	}
}

// TestInstanceMasked: the instance an App registers is recorded with its
// secret metadata and endpoint passwords masked, its id, name, version
// and addresses as they are.
func TestInstanceMasked(t *testing.T) {
	in := &tracer.ServiceInstance{
		ID: "id-1", Name: "helloworld", Version: "v1",
		Metadata:  map[string]string{"region": "eu", "authToken": "md-secret", "dsn": "u:md-dsn@tcp(db)/x"},
		Endpoints: []string{"http://127.0.0.1:8000", "grpc://svc:ep-pass@127.0.0.1:9000"},
	}
	ev := Event(tracer.Event{Kind: tracer.KindStop, Phase: tracer.PhaseRegister, Instance: in, Registrar: "etcd"})
	out := ev.Instance
	b, _ := json.Marshal(out)
	for _, secret := range []string{"md-secret", "md-dsn", "ep-pass"} {
		if strings.Contains(string(b), secret) {
			t.Errorf("redacted instance still holds %q: %s", secret, b)
		}
	}
	if out.ID != "id-1" || out.Name != "helloworld" || out.Version != "v1" || out.Metadata["region"] != "eu" ||
		out.Metadata["authToken"] != Mask || out.Endpoints[0] != "http://127.0.0.1:8000" {
		t.Errorf("instance: %+v", out)
	}
	if in.Metadata["authToken"] != "md-secret" || in.Endpoints[1] != "grpc://svc:ep-pass@127.0.0.1:9000" {
		t.Error("the original was changed")
	}
	if again := Instance(out); !reflect.DeepEqual(again, out) {
		t.Errorf("Instance is not idempotent: %+v", again)
	}
}

// TestRequestPathQueryMasked: a secret in the query of a request's path is
// masked; the path itself, custom verbs included, stays.
func TestRequestPathQueryMasked(t *testing.T) {
	for in, want := range map[string]string{
		"/login?user=ann&token=abc": "/login?user=ann&token=****",
		"/v1/token:refresh":         "/v1/token:refresh",
		"/helloworld/kratos":        "/helloworld/kratos",
	} {
		if got := Request(&tracer.RequestInfo{Path: in}).Path; got != want {
			t.Errorf("path %q masked as %q, want %q", in, got, want)
		}
	}
}

func TestRequestMasked(t *testing.T) {
	in := &tracer.RequestInfo{
		ID: 1, Transport: "http", Method: "POST", Path: "/login",
		Header: []string{"Authorization: Bearer abc.def", "Cookie: session=xyz", "X-Api-Key: k1", "Accept: */*"},
		Body:   `{"user":"ann","password":"hunter2","nested":{"accessToken":"t0k"},"list":[{"secret":"s"}]}`,
		Reply: &tracer.Reply{
			Code: 200, Header: []string{"Set-Cookie: session=new; HttpOnly", "Content-Type: application/json"},
			Body: `{"token":"jwt.value","name":"ann"}`,
		},
	}
	out := Request(in)
	for _, want := range []string{"Authorization: ****", "Cookie: ****", "X-Api-Key: ****", "Accept: */*"} {
		if !containsString(out.Header, want) {
			t.Errorf("request headers %v lack %q", out.Header, want)
		}
	}
	if strings.Contains(out.Body, "hunter2") || strings.Contains(out.Body, "t0k") || strings.Contains(out.Body, `"s"`) || !strings.Contains(out.Body, `"user":"ann"`) {
		t.Errorf("request body: %s", out.Body)
	}
	if !containsString(out.Reply.Header, "Set-Cookie: ****") || strings.Contains(out.Reply.Body, "jwt.value") || !strings.Contains(out.Reply.Body, `"name":"ann"`) {
		t.Errorf("reply: %+v", out.Reply)
	}
	if in.Header[0] != "Authorization: Bearer abc.def" || !strings.Contains(in.Body, "hunter2") || in.Reply.Header[0] != "Set-Cookie: session=new; HttpOnly" {
		t.Error("the original was changed")
	}
	if JSON(out.Body) != out.Body {
		t.Error("JSON is not idempotent")
	}
	// The same in an event, with an *http.Request argument's headers.
	ev := Event(tracer.Event{Request: in, Args: []*tracer.Node{{Name: "req", Children: []*tracer.Node{{Name: "header", Children: []*tracer.Node{{Name: "Authorization", Value: "Bearer abc"}, {Name: "Accept", Value: "*/*"}}}}}}})
	if ev.Request.Header[0] != "Authorization: ****" || ev.Args[0].Lookup("header.Authorization").Value != Mask || ev.Args[0].Lookup("header.Accept").Value != "*/*" {
		t.Errorf("event: %+v %+v", ev.Request.Header, ev.Args[0].Lookup("header"))
	}
}

func containsString(list []string, s string) bool {
	for _, l := range list {
		if l == s {
			return true
		}
	}
	return false
}

// TestEventValues: the variables, watches and results of a stop are masked
// like the Bootstrap, in Go syntax; the expressions that read them stay.
func TestEventValues(t *testing.T) {
	dsn := &tracer.Node{Name: "Source", Type: "string", Value: `"root:hunter2@tcp(127.0.0.1:3306)/shop"`, Expr: "c.Database.Source"}
	ev := tracer.Event{
		Kind: tracer.KindStop,
		Args: []*tracer.Node{
			{Name: "c", Type: "*conf.Data", Expr: "c", Children: []*tracer.Node{
				{Name: "Database", Type: "*conf.Data_Database", Expr: "c.Database", Children: []*tracer.Node{dsn}},
				{Name: "Redis", Type: "*conf.Data_Redis", Expr: "c.Redis", Unloaded: true},
			}},
			{Name: "dbPassword", Type: "string", Value: `"redis-pass"`, Expr: "dbPassword"},
		},
		Locals: []*tracer.Node{{Name: "sessionToken", Type: "[]string", Expr: "sessionToken", More: 30, Children: []*tracer.Node{{Name: "[0]", Value: `"t-one"`}}}},
		Watches: []tracer.WatchValue{
			{Expr: "cfg.Auth.Token", Value: &tracer.Node{Name: "cfg.Auth.Token", Type: "string", Value: `"jwt-one"`}},
			{Expr: "x", Error: "could not read password=hunter2"},
		},
		Results: []*tracer.Node{{Name: "err", Type: "error(*fmt.wrapError)", Value: "dial root:hunter2@tcp(db:3306)/shop: refused", Children: []*tracer.Node{{Name: "msg", Value: `"dial root:hunter2@tcp(db:3306)/shop: refused"`}}}},
	}
	before, _ := json.Marshal(ev)
	out := Event(ev)
	after, _ := json.Marshal(ev)
	if string(before) != string(after) {
		t.Fatal("Event changed its argument")
	}
	b, _ := json.Marshal(out)
	for _, secret := range []string{"hunter2", "redis-pass", "jwt-one", "t-one"} {
		if strings.Contains(string(b), secret) {
			t.Errorf("the redacted event still holds %q: %s", secret, b)
		}
	}
	src := out.Args[0].Children[0].Children[0]
	if src.Value != `"root:****@tcp(127.0.0.1:3306)/shop"` || src.Expr != "c.Database.Source" {
		t.Errorf("source = %+v", src)
	}
	if r := out.Args[0].Children[1]; !r.Unloaded || r.Expr != "c.Redis" {
		t.Errorf("an unloaded node lost what it is: %+v", r)
	}
	if out.Locals[0].More != 30 {
		t.Errorf("the cap's count is lost: %+v", out.Locals[0])
	}
	if out.Watches[0].Expr != "cfg.Auth.Token" || out.Watches[0].Value.Value != Mask {
		t.Errorf("watch = %+v", out.Watches[0])
	}
}

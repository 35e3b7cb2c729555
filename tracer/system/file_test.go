package system

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	f, err := Parse("sys.yaml", []byte(`services:
  - name: inventory
    package: ./app/inventory/service/cmd/server
    args: ["-conf", "../../configs"]
    env: {B: two, A: "1"}
    wd: ./app/inventory/service/cmd/server
  - package: ./app/storefront/service/cmd/server
  - name: late
    package: ./cmd/late
    after: [inventory, storefront]
  - name: free
    package: ./cmd/free
    after: []
processes:
  - name: etcd
    command: ["etcd", "--data-dir", "{tmp}/etcd"]
    fallback: [go, run, ./cmd/etcd]
    ready: tcp 127.0.0.1:2379
    ready_timeout: 5s
`))
	if err != nil {
		t.Fatal(err)
	}
	want := []Service{
		{Name: "inventory", Package: "./app/inventory/service/cmd/server", Args: []string{"-conf", "../../configs"}, Env: []string{"A=1", "B=two"}, WorkingDir: "./app/inventory/service/cmd/server", Line: 2},
		// The name comes from the package directory; `after` defaults to
		// the service listed before.
		{Name: "storefront", Package: "./app/storefront/service/cmd/server", After: []string{"inventory"}, Line: 7},
		{Name: "late", Package: "./cmd/late", After: []string{"inventory", "storefront"}, Line: 8},
		// An empty `after` starts it with the first.
		{Name: "free", Package: "./cmd/free", After: []string{}, Line: 11},
	}
	if !reflect.DeepEqual(f.Services, want) {
		t.Errorf("services:\n got %+v\nwant %+v", f.Services, want)
	}
	wantProc := []Process{{Name: "etcd", Command: []string{"etcd", "--data-dir", "{tmp}/etcd"}, Fallback: []string{"go", "run", "./cmd/etcd"}, Ready: "127.0.0.1:2379", ReadyTimeout: 5 * time.Second, Line: 15}}
	if !reflect.DeepEqual(f.Processes, wantProc) {
		t.Errorf("processes:\n got %+v\nwant %+v", f.Processes, wantProc)
	}
	var order []string
	for _, s := range StartOrder(f.Services) {
		order = append(order, s.Name)
	}
	if want := []string{"inventory", "storefront", "late", "free"}; !reflect.DeepEqual(order, want) {
		t.Errorf("start order %v, want %v", order, want)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, yaml string
		line       int
		want       string
	}{
		{"unknown service key", "services:\n  - name: a\n    pakage: ./cmd/a\n", 3, `unknown key "pakage" in a service`},
		{"unknown top key", "servics:\n  - name: a\n", 1, `unknown key "servics" in the file`},
		{"unknown process key", "services:\n  - package: ./a\nprocesses:\n  - name: etcd\n    command: [etcd]\n    redy: tcp :2379\n", 6, `unknown key "redy" in a process`},
		{"duplicate names", "services:\n  - name: a\n    package: ./a\n  - name: a\n    package: ./b\n", 4, "two services are named a (the first on line 2)"},
		{"duplicate default names", "services:\n  - package: ./x/cmd/server\n  - package: ./x/service/cmd/server\n", 3, "two services are named x"},
		{"cycle", "services:\n  - name: a\n    package: ./a\n    after: [b]\n  - name: b\n    package: ./b\n    after: [a]\n", 2, "in a cycle: a → b → a"},
		{"after itself", "services:\n  - name: a\n    package: ./a\n    after: [a]\n", 2, "service a comes after itself"},
		{"after unknown", "services:\n  - name: a\n    package: ./a\n    after: [nope]\n", 2, "comes after nope, which is no service"},
		{"after a process", "services:\n  - name: a\n    package: ./a\n    after: [etcd]\nprocesses:\n  - name: etcd\n    command: [etcd]\n", 2, "comes after etcd, which is no service"},
		{"no package", "services:\n  - name: a\n", 2, "service a has none of package, connect or attach"},
		{"package and connect", "services:\n  - name: a\n    package: ./a\n    connect: 127.0.0.1:2345\n", 2, "has both package and connect"},
		{"connect and attach", "services:\n  - name: x\n    package: ./x\n  - name: a\n    connect: 127.0.0.1:2345\n    attach: server\n", 4, "service a has both connect and attach"},
		{"attach after", "services:\n  - name: x\n    package: ./x\n  - name: a\n    attach: \"4242\"\n    after: [x]\n", 4, "service a is already running (attach) and cannot come after x"},
		{"connect after", "services:\n  - name: x\n    package: ./x\n\n  - connect: 10.0.0.1:2345\n    after: [x]\n", 5, "service #2 is already running (connect)"},
		{"no services", "processes:\n  - name: etcd\n    command: [etcd]\n", 1, "no services"},
		{"services not a list", "services:\n  name: a\n", 2, "services should be a list, not a mapping"},
		{"args not a list", "services:\n  - name: a\n    package: ./a\n    args: -conf x\n", 4, "args should be a list"},
		{"bad ready", "services:\n  - package: ./a\nprocesses:\n  - name: etcd\n    command: [etcd]\n    ready: http://x\n", 6, "is not `tcp HOST:PORT`"},
		{"bad ready timeout", "services:\n  - package: ./a\nprocesses:\n  - name: etcd\n    command: [etcd]\n    ready_timeout: soon\n", 6, `ready_timeout "soon" is not a duration`},
		{"process without command", "services:\n  - package: ./a\nprocesses:\n  - name: etcd\n", 4, "the process etcd has no command"},
		{"process named as a service", "services:\n  - name: etcd\n    package: ./a\nprocesses:\n  - name: etcd\n    command: [etcd]\n", 5, "has the name of a service or process already listed (line 2)"},
		{"key twice", "services:\n  - name: a\n    name: b\n    package: ./a\n", 3, `the key "name" is given twice`},
		{"not yaml", "services: [\n", 1, "not YAML"},
		{"empty", "", 0, "the file is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fe := parseError(t, tt.yaml)
			if fe.Line != tt.line {
				t.Errorf("line %d, want %d (%v)", fe.Line, tt.line, fe)
			}
			if !strings.Contains(fe.Msg, tt.want) {
				t.Errorf("message %q lacks %q", fe.Msg, tt.want)
			}
			if strings.Contains(fe.Msg, "\n") {
				t.Errorf("message is more than one line: %q", fe.Msg)
			}
			if tt.line > 0 && !strings.HasPrefix(fe.Error(), fmt.Sprintf("sys.yaml:%d: ", tt.line)) {
				t.Errorf("error %q does not start with the file and line", fe)
			}
		})
	}
}

func TestReadFileMissing(t *testing.T) {
	_, err := ReadFile(filepath.Join(t.TempDir(), DefaultFile))
	var fe *FileError
	if !errors.As(err, &fe) || !strings.Contains(fe.Msg, "no such system file") || fe.Hint == "" {
		t.Fatalf("error %v, want no such system file with a hint", err)
	}
}

func TestReadFileResolvesDir(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, DefaultFile)
	if err := os.WriteFile(path, []byte("services:\n  - package: ./cmd/server\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// A module's ./cmd/server is named after the directory the file is in.
	if f.Dir != dir || f.Services[0].Name != filepath.Base(dir) {
		t.Errorf("dir %q, name %q; want %q, %q", f.Dir, f.Services[0].Name, dir, filepath.Base(dir))
	}
}

func TestDefaultName(t *testing.T) {
	for pkg, want := range map[string]string{
		"./app/inventory/service/cmd/server": "inventory",
		"./gateway/cmd/server":               "gateway",
		"/src/shop/cmd/server":               "shop",
		"./demo":                             "demo",
	} {
		if got := DefaultName(pkg, "/src/root"); got != want {
			t.Errorf("DefaultName(%q) = %q, want %q", pkg, got, want)
		}
	}
}

// TestParseRunningServices: a connected or attached service waits for
// nobody, is named after what it reaches, and the service listed after it
// starts once it is reached.
func TestParseRunningServices(t *testing.T) {
	f, err := Parse("sys.yaml", []byte("services:\n  - package: ./greeter/cmd/server\n  - attach: layout\n  - connect: 10.0.0.7:2345\n  - name: gw\n    package: ./gw\n"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range f.Services {
		got = append(got, fmt.Sprintf("%s[%s] after %v", s.Name, s.Running(), s.After))
	}
	want := []string{"greeter[] after []", "layout[attach] after []", "10.0.0.7[connect] after []", "gw[] after [10.0.0.7]"}
	if !slices.Equal(got, want) {
		t.Errorf("services\n got %q\nwant %q", got, want)
	}
}

// TestParseMemberKeys: the keys that mirror connect's and attach's flags
// are read into the service, and a key of another kind of service is
// refused at its line with what to do instead.
func TestParseMemberKeys(t *testing.T) {
	f, err := Parse("sys.yaml", []byte(`services:
  - name: remote
    connect: 127.0.0.1:2345
    substitute_path: {/app: /src/app, /go/pkg: /home/me/go/pkg}
    kill_on_exit: true
    restart: true
    timeout: 2s
  - name: local
    attach: server
    sigterm: true
    substitute_path: {/build: /src/build}
  - name: left
    attach: "4242"
    kill_on_exit: false
`))
	if err != nil {
		t.Fatal(err)
	}
	want := []Service{
		{Name: "remote", Connect: "127.0.0.1:2345", SubstitutePath: [][2]string{{"/app", "/src/app"}, {"/go/pkg", "/home/me/go/pkg"}}, KillOnExit: true, Restart: true, Timeout: 2 * time.Second, Line: 2},
		{Name: "local", Attach: "server", Sigterm: true, SubstitutePath: [][2]string{{"/build", "/src/build"}}, Line: 8},
		{Name: "left", Attach: "4242", Line: 12},
	}
	if !reflect.DeepEqual(f.Services, want) {
		t.Errorf("services:\n got %+v\nwant %+v", f.Services, want)
	}

	tests := []struct {
		name, yaml string
		line       int
		want, hint string
	}{
		{"args on connect", "services:\n  - name: gw\n    connect: 127.0.0.1:2345\n    args: [-conf, x]\n", 4, "args does not apply to gw (connect): it is for package services", "dlv exec"},
		{"env on attach", "services:\n  - attach: server\n    env: {A: b}\n", 3, "env does not apply to this attach service (attach): it is for package services", "where it is started"},
		{"wd on attach", "services:\n  - name: a\n    attach: server\n    wd: /tmp\n", 4, "wd does not apply to a (attach): it is for package services", "start it in that directory"},
		{"restart on attach", "services:\n  - name: a\n    attach: server\n    restart: true\n", 4, "restart does not apply to a (attach): it is for connect services", "only a Delve server restarts"},
		{"restart on package", "services:\n  - name: a\n    package: ./a\n    restart: true\n", 4, "restart does not apply to a (package): it is for connect services", "traced from its start"},
		{"timeout on attach", "services:\n  - name: a\n    timeout: 1s\n    attach: server\n", 3, "timeout does not apply to a (attach): it is for connect services", "Delve server"},
		{"sigterm on connect", "services:\n  - name: a\n    connect: h:1\n    sigterm: true\n", 4, "sigterm does not apply to a (connect): it is for attach services", "stop it where it runs"},
		{"sigterm on package", "services:\n  - name: a\n    package: ./a\n    sigterm: true\n", 4, "sigterm does not apply to a (package): it is for attach services", "always gets SIGTERM"},
		{"kill_on_exit on package", "services:\n  - name: a\n    package: ./a\n    kill_on_exit: true\n", 4, "kill_on_exit does not apply to a (package): it is for connect and attach services", "always ended"},
		{"substitute_path on package", "services:\n  - name: a\n    package: ./a\n    substitute_path: {/app: .}\n", 4, "substitute_path does not apply to a (package)", "own source"},
		{"sigterm and kill_on_exit", "services:\n  - name: a\n    attach: server\n    sigterm: true\n    kill_on_exit: true\n", 5, "sigterm and kill_on_exit each end a: give one", "sigterm walks the shutdown"},
		{"timeout not a duration", "services:\n  - name: a\n    connect: h:1\n    timeout: 15\n", 4, `timeout "15" is not a duration`, "timeout: 30s"},
		{"kill_on_exit not a bool", "services:\n  - name: a\n    connect: h:1\n    kill_on_exit: please\n", 4, `kill_on_exit should be true or false, not the value "please"`, "kill_on_exit: true"},
		{"substitute_path a list", "services:\n  - name: a\n    connect: h:1\n    substitute_path: [/app=.]\n", 4, "substitute_path should be a mapping FROM: TO, not a list", "{/app: .}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fe := parseError(t, tt.yaml)
			if fe.Line != tt.line || !strings.Contains(fe.Msg, tt.want) || strings.Contains(fe.Msg, "\n") {
				t.Errorf("got line %d %q, want line %d and one sentence with %q", fe.Line, fe.Msg, tt.line, tt.want)
			}
			if !strings.Contains(fe.Hint, tt.hint) {
				t.Errorf("hint %q lacks %q", fe.Hint, tt.hint)
			}
		})
	}
}

// TestReadFileSubstitutePath: a relative TO of substitute_path starts at
// the system file's directory, and one that is no directory there is
// refused at its line.
func TestReadFileSubstitutePath(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "src"), 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, DefaultFile)
	write := func(text string) {
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("services:\n  - connect: 127.0.0.1:2345\n    substitute_path:\n      /app: ./src\n      /abs: " + dir + "\n")
	f, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := f.Services[0].SubstitutePath, [][2]string{{"/app", filepath.Join(dir, "src")}, {"/abs", dir}}; !reflect.DeepEqual(got, want) {
		t.Errorf("substitute_path %q, want %q", got, want)
	}
	write("services:\n  - connect: 127.0.0.1:2345\n    substitute_path:\n      /app: ./nope\n")
	_, err = ReadFile(path)
	var fe *FileError
	if !errors.As(err, &fe) || fe.Line != 4 || !strings.Contains(fe.Msg, filepath.Join(dir, "nope")+" is not a directory here") || fe.Hint == "" {
		t.Errorf("error %v, want line 4: not a directory here, with a hint", err)
	}
}

// parseError parses text as a system file and returns the FileError it
// must give.
func parseError(t *testing.T, text string) *FileError {
	t.Helper()
	_, err := Parse("sys.yaml", []byte(text))
	var fe *FileError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v, want a FileError", err)
	}
	return fe
}

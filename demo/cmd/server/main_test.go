package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	kgrpc "github.com/go-kratos/kratos/v2/transport/grpc"

	v1 "github.com/kratos-trace/kratos-trace/demo/api/helloworld/v1"
	"github.com/kratos-trace/kratos-trace/demo/internal/etcdtest"
)

// runMainWithConfEnv, when set to a config path, makes the test binary run
// main() with -conf set to it instead of running the tests. The test drives
// the real main (flags, config, wire, signals) in a child process that way,
// without a separate go build.
const runMainWithConfEnv = "KRATOS_TRACE_DEMO_RUN_MAIN_CONF"

func TestMain(m *testing.M) {
	if conf := os.Getenv(runMainWithConfEnv); conf != "" {
		// main parses os.Args; it must not see the test binary's flags.
		os.Args = []string{os.Args[0], "-conf", conf}
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// testConfig binds both transports to free loopback ports chosen by the
// kernel and keeps the database in dir. Redis points at a port where nothing
// listens, which is the situation on most developer machines.
const testConfig = `server:
  http:
    addr: 127.0.0.1:0
    timeout: 1s
  grpc:
    addr: 127.0.0.1:0
    timeout: 1s
data:
  database:
    driver: sqlite
    source: %s
  redis:
    network: tcp
    addr: %s
    read_timeout: 0.2s
    write_timeout: 0.2s
registry:
  etcd:
    endpoints:
      - %s
`

var afterStartLine = regexp.MustCompile(`hook: after start, endpoints \[(.*)\]`)

func TestServeAndStop(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "demo.db")
	confPath := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(confPath, fmt.Appendf(nil, testConfig, dbPath, closedPort(t), closedPort(t)), 0o600); err != nil {
		t.Fatalf("write config: %v", err)
	}

	srv := startServer(t, confPath)
	endpoints := srv.waitForEndpoints(t)

	httpAddr, grpcAddr := endpoints["http"], endpoints["grpc"]
	if httpAddr == "" || grpcAddr == "" {
		t.Fatalf("endpoints %v: want both http and grpc", endpoints)
	}

	t.Run("http", func(t *testing.T) {
		resp, err := http.Get("http://" + httpAddr + "/helloworld/kratos")
		if err != nil {
			t.Fatalf("GET: %v", err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET status %d, body %s", resp.StatusCode, body)
		}
		var reply struct{ Message string }
		if err := json.Unmarshal(body, &reply); err != nil {
			t.Fatalf("decode %s: %v", body, err)
		}
		if reply.Message != "Hello kratos" {
			t.Errorf("message %q, want %q", reply.Message, "Hello kratos")
		}
	})

	t.Run("grpc", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		conn, err := kgrpc.DialInsecure(ctx, kgrpc.WithEndpoint(grpcAddr))
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		defer conn.Close()
		reply, err := v1.NewGreeterClient(conn).SayHello(ctx, &v1.HelloRequest{Name: "kratos"})
		if err != nil {
			t.Fatalf("SayHello: %v", err)
		}
		if reply.GetMessage() != "Hello kratos" {
			t.Errorf("message %q, want %q", reply.GetMessage(), "Hello kratos")
		}
	})

	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("send SIGTERM: %v", err)
	}
	if code := srv.wait(t); code != 0 {
		t.Fatalf("exit code %d after SIGTERM, want 0\n%s", code, srv.output())
	}

	out := srv.output()
	wantInOrder := []string{
		"unreachable, cache disabled",  // nothing listens at the Redis address
		"unreachable, not registering", // nor at the etcd address
		"hook: before start",
		"hook: after start",
		"hook: before stop",
		"hook: after stop",
		"closing the data resources",
	}
	rest := out
	for _, want := range wantInOrder {
		i := strings.Index(rest, want)
		if i < 0 {
			t.Fatalf("output lacks %q after the lines before it:\n%s", want, out)
		}
		rest = rest[i+len(want):]
	}

	// Both calls went through the database, whatever the transport.
	if got := countGreetings(t, dbPath, "kratos"); got != 2 {
		t.Errorf("greeter rows for kratos = %d, want 2 (one per transport)", got)
	}
}

// childServer is the demo running in a child process.
type childServer struct {
	cmd   *exec.Cmd
	lines chan string
	done  chan struct{}

	mu  sync.Mutex
	out strings.Builder
}

// startServer runs main() with -conf confPath in a child process and kills
// it when the test ends, whatever happened.
func startServer(t *testing.T, confPath string) *childServer {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), runMainWithConfEnv+"="+confPath)
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		t.Fatalf("start server: %v", err)
	}
	s := &childServer{cmd: cmd, lines: make(chan string, 100), done: make(chan struct{})}
	go func() {
		defer close(s.lines)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			s.mu.Lock()
			s.out.WriteString(sc.Text() + "\n")
			s.mu.Unlock()
			select {
			case s.lines <- sc.Text():
			default: // nobody is waiting for lines any more
			}
		}
	}()
	go func() {
		cmd.Wait()
		pw.Close()
		close(s.done)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-s.done
	})
	return s
}

// waitForEndpoints reads the after-start hook's line and returns the
// listening address of each transport by scheme. The addresses are final
// there: kratos resolves ":0" when it builds the instance, before the hook.
func (s *childServer) waitForEndpoints(t *testing.T) map[string]string {
	t.Helper()
	timeout := time.After(15 * time.Second)
	for {
		select {
		case line, ok := <-s.lines:
			if !ok {
				t.Fatalf("server exited before starting:\n%s", s.output())
			}
			m := afterStartLine.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			endpoints := map[string]string{}
			for _, e := range strings.Fields(m[1]) {
				u, err := url.Parse(e)
				if err != nil {
					t.Fatalf("endpoint %q: %v", e, err)
				}
				endpoints[u.Scheme] = u.Host
			}
			return endpoints
		case <-timeout:
			t.Fatalf("server did not start in time:\n%s", s.output())
		}
	}
}

// wait returns the exit code, failing the test if the server hangs.
func (s *childServer) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-s.done:
		return s.cmd.ProcessState.ExitCode()
	case <-time.After(10 * time.Second):
		t.Fatalf("server did not exit after SIGTERM:\n%s", s.output())
		return -1
	}
}

func (s *childServer) output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.out.String()
}

// closedPort returns a loopback address where nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func countGreetings(t *testing.T, dbPath, name string) int {
	t.Helper()
	db, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatalf("open %s: %v", dbPath, err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM greeter WHERE name = ?`, name).Scan(&n); err != nil {
		t.Fatalf("count greetings: %v", err)
	}
	return n
}

func TestRegistersInEtcd(t *testing.T) {
	client, endpoint := etcdtest.Start(t)
	dir := t.TempDir()
	confPath := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(confPath, fmt.Appendf(nil, testConfig, filepath.Join(dir, "demo.db"), closedPort(t), endpoint), 0o600); err != nil {
		t.Fatalf("write config: %v", err)
	}
	srv := startServer(t, confPath)
	endpoints := srv.waitForEndpoints(t)

	// The instance is registered before the after-start hook runs.
	prefix := "/microservices/" + Name + "/"
	keys := etcdtest.Keys(t, client, prefix)
	if len(keys) != 1 {
		t.Fatalf("etcd holds %v under %s, want the demo's instance", keys, prefix)
	}
	for key, value := range keys {
		var in struct {
			ID        string   `json:"id"`
			Name      string   `json:"name"`
			Version   string   `json:"version"`
			Endpoints []string `json:"endpoints"`
		}
		if err := json.Unmarshal([]byte(value), &in); err != nil {
			t.Fatalf("%s = %q: %v", key, value, err)
		}
		if key != prefix+in.ID || in.Name != Name || in.Version != Version || len(in.Endpoints) != 2 {
			t.Errorf("%s = %+v", key, in)
		}
		for _, e := range in.Endpoints {
			u, err := url.Parse(e)
			if err != nil || endpoints[u.Scheme] != u.Host {
				t.Errorf("registered endpoint %s, the servers listen at %v", e, endpoints)
			}
		}
	}

	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("send SIGTERM: %v", err)
	}
	if code := srv.wait(t); code != 0 {
		t.Fatalf("exit code %d after SIGTERM, want 0\n%s", code, srv.output())
	}
	if keys := etcdtest.Keys(t, client, prefix); len(keys) != 0 {
		t.Errorf("after the shutdown etcd still holds %v", keys)
	}
	if !strings.Contains(srv.output(), "answered, registering there") {
		t.Errorf("output does not say it registers:\n%s", srv.output())
	}
}

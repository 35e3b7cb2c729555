package server

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-kratos/kratos/v2/log"
	"github.com/go-kratos/kratos/v2/registry"

	"github.com/kratos-trace/kratos-trace/demo/internal/conf"
	"github.com/kratos-trace/kratos-trace/demo/internal/etcdtest"
)

// lineLogger keeps what the demo logs, one entry a call.
type lineLogger struct {
	mu    sync.Mutex
	lines []string
}

func (l *lineLogger) Log(level log.Level, kv ...any) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, level.String()+" "+fmt.Sprint(kv...))
	return nil
}

func TestNewRegistrarWithoutEtcd(t *testing.T) {
	closed := closedAddr(t)
	for name, c := range map[string]*conf.Registry{
		"unreachable":    {Etcd: &conf.Registry_Etcd{Endpoints: []string{closed}}},
		"not configured": nil,
	} {
		t.Run(name, func(t *testing.T) {
			logger := &lineLogger{}
			start := time.Now()
			r, cleanup, err := NewRegistrar(c, logger)
			if err != nil {
				t.Fatalf("NewRegistrar: %v", err)
			}
			defer cleanup()
			if r != nil {
				t.Errorf("registrar = %T, want nil (no etcd answers)", r)
			}
			if took := time.Since(start); took > 2*time.Second {
				t.Errorf("took %s to give up on a refused connection", took)
			}
			if len(logger.lines) != 1 || !strings.Contains(logger.lines[0], "not registering") {
				t.Errorf("logged %q, want one line saying it does not register", logger.lines)
			}
		})
	}
}

func TestNewRegistrarRegistersInEtcd(t *testing.T) {
	client, endpoint := etcdtest.Start(t)
	logger := &lineLogger{}
	r, cleanup, err := NewRegistrar(&conf.Registry{Etcd: &conf.Registry_Etcd{Endpoints: []string{endpoint}}}, logger)
	if err != nil || r == nil {
		t.Fatalf("NewRegistrar = %v, %v; want a registrar", r, err)
	}
	defer cleanup()
	if len(logger.lines) != 1 || !strings.Contains(logger.lines[0], "registering there") {
		t.Errorf("logged %q", logger.lines)
	}
	in := &registry.ServiceInstance{ID: "t1", Name: "demo-test", Version: "v0", Endpoints: []string{"http://127.0.0.1:1"}}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := r.Register(ctx, in); err != nil {
		t.Fatalf("Register: %v", err)
	}
	keys := etcdtest.Keys(t, client, "/microservices/demo-test/")
	if v, ok := keys["/microservices/demo-test/t1"]; !ok || !strings.Contains(v, `"http://127.0.0.1:1"`) {
		t.Errorf("after Register etcd holds %v", keys)
	}
	if err := r.Deregister(ctx, in); err != nil {
		t.Fatalf("Deregister: %v", err)
	}
	if keys := etcdtest.Keys(t, client, "/microservices/demo-test/"); len(keys) != 0 {
		t.Errorf("after Deregister etcd holds %v", keys)
	}
}

func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

package data

import (
	"bufio"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-kratos/kratos/v2/log"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/kratos-trace/kratos-trace/demo/internal/biz"
	"github.com/kratos-trace/kratos-trace/demo/internal/conf"
)

func TestGreeterRepoInMemory(t *testing.T) {
	d, cleanup, err := NewData(&conf.Data{
		Database: &conf.Data_Database{Driver: "sqlite", Source: ":memory:"},
	}, log.DefaultLogger)
	if err != nil {
		t.Fatalf("NewData: %v", err)
	}
	defer cleanup()
	repo := NewGreeterRepo(d, log.DefaultLogger)
	ctx := context.Background()

	var lastID int64
	for i := range 3 {
		saved, err := repo.Save(ctx, &biz.Greeter{Hello: "kratos"})
		if err != nil {
			t.Fatalf("Save #%d: %v", i, err)
		}
		if saved.ID <= lastID {
			t.Errorf("Save #%d: ID %d, want more than %d", i, saved.ID, lastID)
		}
		if saved.Hello != "kratos" || saved.GreetedAt.IsZero() {
			t.Errorf("Save #%d: got %+v, want Hello kratos and a GreetedAt", i, saved)
		}
		lastID = saved.ID
	}
	if _, err := repo.Save(ctx, &biz.Greeter{Hello: "delve"}); err != nil {
		t.Fatalf("Save delve: %v", err)
	}

	for name, want := range map[string]int64{"kratos": 3, "delve": 1, "nobody": 0} {
		got, err := repo.CountByHello(ctx, name)
		if err != nil {
			t.Fatalf("CountByHello(%q): %v", name, err)
		}
		if got != want {
			t.Errorf("CountByHello(%q) = %d, want %d", name, got, want)
		}
	}
}

func TestNewDataRejectsBadDatabase(t *testing.T) {
	tests := []struct {
		name string
		db   *conf.Data_Database
		want string
	}{
		{"missing", nil, "data.database is missing"},
		{"other driver", &conf.Data_Database{Driver: "mysql", Source: "root@tcp(127.0.0.1:3306)/test"}, `driver "mysql" is not supported`},
		{"empty source", &conf.Data_Database{Driver: "sqlite"}, "source is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := NewData(&conf.Data{Database: tt.db}, log.DefaultLogger)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("NewData error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestResolveSQLiteSource(t *testing.T) {
	tmp := t.TempDir()
	// os.TempDir reads TMPDIR, so the relative case lands in this test's dir.
	t.Setenv("TMPDIR", tmp)
	abs := filepath.Join(tmp, "abs.db")

	tests := []struct {
		source string
		want   string
	}{
		{":memory:", ":memory:"},
		{"file:x.db?mode=memory", "file:x.db?mode=memory"},
		{abs, abs},
		{"kratos-trace-demo.db", filepath.Join(tmp, tempDirName, "kratos-trace-demo.db")},
		{"nested/demo.db", filepath.Join(tmp, tempDirName, "nested", "demo.db")},
	}
	for _, tt := range tests {
		got, err := resolveSQLiteSource(tt.source)
		if err != nil {
			t.Fatalf("resolveSQLiteSource(%q): %v", tt.source, err)
		}
		if got != tt.want {
			t.Errorf("resolveSQLiteSource(%q) = %q, want %q", tt.source, got, tt.want)
		}
	}

	info, err := os.Stat(filepath.Join(tmp, tempDirName))
	if err != nil {
		t.Fatalf("temp folder for relative sources: %v", err)
	}
	if perm := info.Mode().Perm(); perm != 0o700 {
		t.Errorf("temp folder mode = %v, want 0700", perm)
	}
}

func TestNewDataRelativeSourceStaysInTempDir(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	_, cleanup, err := NewData(&conf.Data{
		Database: &conf.Data_Database{Driver: "sqlite", Source: "demo.db"},
	}, log.DefaultLogger)
	if err != nil {
		t.Fatalf("NewData: %v", err)
	}
	cleanup()
	if _, err := os.Stat(filepath.Join(tmp, tempDirName, "demo.db")); err != nil {
		t.Errorf("database file not under the temp dir: %v", err)
	}
}

func TestProbeRedis(t *testing.T) {
	tests := []struct {
		name    string
		reply   string // what a fake server answers; "" means nothing listens
		wantErr string
	}{
		{"answers PONG", "+PONG\r\n", ""},
		{"answers an error", "-NOAUTH Authentication required.\r\n", "unexpected PING reply"},
		{"silent", "hang", "read PING reply"},
		{"nothing listening", "", "connection refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := fakeRedis(t, tt.reply)
			start := time.Now()
			err := probeRedis(&conf.Data_Redis{
				Network:     "tcp",
				Addr:        addr,
				ReadTimeout: durationpb.New(100 * time.Millisecond),
			})
			if elapsed := time.Since(start); elapsed > time.Second {
				t.Errorf("probe took %v; an absent Redis must not slow the start", elapsed)
			}
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("probeRedis: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("probeRedis error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

// fakeRedis serves one connection on a loopback port: it reads the PING and
// writes reply, or writes nothing when reply is "hang". With reply "" it
// returns the address of a port nobody listens on.
func fakeRedis(t *testing.T, reply string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	addr := ln.Addr().String()
	if reply == "" {
		ln.Close()
		return addr
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		r := bufio.NewReader(conn)
		for range 3 { // *1, $4, PING
			if _, err := r.ReadString('\n'); err != nil {
				return
			}
		}
		if reply != "hang" {
			conn.Write([]byte(reply))
		}
		// Hold the connection until the probe gives up and closes it.
		r.ReadByte()
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
	})
	return addr
}

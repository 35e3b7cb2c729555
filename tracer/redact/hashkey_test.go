package redact

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
)

func TestHashKey(t *testing.T) {
	k := NewHashKey([]byte("0123456789abcdef0123"))
	same := NewHashKey([]byte("0123456789abcdef0123"))
	other := NewHashKey([]byte("fedcba98765432100123"))
	if k.ID() != same.ID() || k.ID() == other.ID() || len(k.ID()) != 16 {
		t.Errorf("IDs %s %s %s: want one per key, 16 hex digits", k.ID(), same.ID(), other.ID())
	}
	h := k.Hash("data.database.password", "hunter2")
	switch {
	case h != same.Hash("data.database.password", "hunter2"):
		t.Error("one key hashes one value two ways")
	case h == other.Hash("data.database.password", "hunter2"):
		t.Error("two keys hash a value alike")
	case h == k.Hash("data.redis.password", "hunter2"):
		t.Error("the same secret in two fields hashes alike: it would show they hold one secret")
	case h == k.Hash("data.database.password", "hunter3"):
		t.Error("two values hash alike")
	case strings.Contains(h, "hunter2") || len(h) != 32:
		t.Errorf("hash %q", h)
	}
}

func TestEventHashed(t *testing.T) {
	k := NewHashKey([]byte("0123456789abcdef0123"))
	ev := tracer.Event{Kind: tracer.KindStop, Bootstrap: &tracer.Node{Name: "Bootstrap", Children: []*tracer.Node{
		{Name: "data", Children: []*tracer.Node{
			{Name: "password", Value: "hunter2"},
			{Name: "source", Value: "root:hunter2@tcp(db:3306)/shop"},
			{Name: "driver", Value: "mysql"},
		}},
	}}}
	out := EventHashed(ev, k)
	for _, tt := range []struct{ path, value, hash string }{
		{"data.password", Mask, k.Hash("data.password", "hunter2")},
		{"data.source", "root:" + Mask + "@tcp(db:3306)/shop", k.Hash("data.source", "root:hunter2@tcp(db:3306)/shop")},
		{"data.driver", "mysql", ""},
	} {
		n := out.Bootstrap.Lookup(tt.path)
		if n.Value != tt.value || n.Hash != tt.hash {
			t.Errorf("%s = %q hash %q, want %q hash %q", tt.path, n.Value, n.Hash, tt.value, tt.hash)
		}
	}
	if ev.Bootstrap.Lookup("data.password").Hash != "" || ev.Bootstrap.Lookup("data.password").Value != "hunter2" {
		t.Error("EventHashed changed the event it was given")
	}
	// Masking a recorded (masked) event again keeps its hashes.
	again := EventHashed(out, k)
	if again.Bootstrap.Lookup("data.password").Hash != k.Hash("data.password", "hunter2") {
		t.Error("masking again lost the hash")
	}
	if n := EventHashed(ev, nil).Bootstrap.Lookup("data.password"); n.Hash != "" || n.Value != Mask {
		t.Errorf("without a key: %+v", n)
	}
}

func TestLoadHashKey(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	t.Setenv(HashKeyEnv, "a team secret of some length")
	team, err := LoadHashKey()
	if err != nil || team.ID() != NewHashKey([]byte("a team secret of some length")).ID() {
		t.Fatalf("LoadHashKey with %s: %v", HashKeyEnv, err)
	}
	t.Setenv(HashKeyEnv, "short")
	if _, err := LoadHashKey(); err == nil || !strings.Contains(err.Error(), "openssl rand") {
		t.Errorf("a short team key: %v", err)
	}
	os.Unsetenv(HashKeyEnv)

	// The user's key is made once, readable by the user alone, and kept.
	dir := t.TempDir()
	path := filepath.Join(dir, "kratos-trace", "hash-key")
	var wg sync.WaitGroup
	ids := make([]string, 4)
	for i := range ids {
		wg.Go(func() {
			k, err := LoadHashKeyFile(path)
			if err != nil {
				t.Error(err)
				return
			}
			ids[i] = k.ID()
		})
	}
	wg.Wait()
	for _, id := range ids[1:] {
		if id != ids[0] {
			t.Fatalf("runs that made the key at once got other keys: %q", ids)
		}
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("key file %v, %v; want mode 0600", fi, err)
	}
	if err := os.WriteFile(path, []byte("not hex\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadHashKeyFile(path); err == nil || !strings.Contains(err.Error(), "remove it") {
		t.Errorf("a damaged key file: %v", err)
	}
}

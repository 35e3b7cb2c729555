package delve

import (
	"strings"
	"testing"
	"time"
)

// TestLeaseLapsedNamesTheService: the sentence said when a pause outlived
// the registry lease names the service and its instance when the
// registration told them, and falls back to the program otherwise.
func TestLeaseLapsedNamesTheService(t *testing.T) {
	for _, c := range []struct {
		lease registryLease
		want  string
	}{
		{registryLease{ttl: 3 * time.Second, registrar: "etcd", instance: "inventory-1", service: "inventory"},
			"the service inventory was paused 7.2s, longer than its etcd lease (3s): etcd dropped the instance inventory-1 meanwhile"},
		{registryLease{ttl: 5 * time.Second, registrar: "etcd"},
			"the program was paused 7.2s, longer than its etcd lease (5s): etcd dropped the instance meanwhile"},
	} {
		if got := leaseLapsed(7230*time.Millisecond, c.lease); !strings.HasPrefix(got, c.want) {
			t.Errorf("%+v: %q, want it to begin %q", c.lease, got, c.want)
		}
	}
}

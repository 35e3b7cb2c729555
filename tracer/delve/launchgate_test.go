package delve

import (
	"os"
	"testing"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// TestLaunchGateEnvAndIsolation traces the demo as a system's service is
// traced: held back until Launch is closed, with Config.Env in the
// program's environment (KRATOS_GRPC_TIMEOUT fills the gRPC timeout's
// placeholder), in process and with its Delve server in a process of its
// own; kratos-trace's own environment is left as it was.
func TestLaunchGateEnvAndIsolation(t *testing.T) {
	for _, isolated := range []bool{false, true} {
		t.Run(map[bool]string{false: "in process", true: "isolated"}[isolated], func(t *testing.T) {
			conf := writeDemoConfig(t)
			launch := make(chan struct{})
			opened := make(chan time.Time, 1)
			go func() {
				time.Sleep(2 * time.Second)
				opened <- time.Now()
				close(launch)
			}()
			_, scan := untilScan(t, Config{Target: demoDir, Args: []string{"-conf", conf.Dir},
				Env: []string{"KRATOS_GRPC_TIMEOUT=3s"}, Launch: launch, Isolated: isolated})
			at := <-opened
			if scan.Time.Before(at) {
				t.Errorf("config.scan at %s, before the launch was let go at %s", scan.Time, at)
			}
			timeout, chain := origin(t, scan, "server.grpc.timeout")
			if timeout.Value != "3s" || timeout.Origin.Resolved == nil || timeout.Origin.Resolved.Kind != tracer.OriginEnv {
				t.Errorf("server.grpc.timeout = %s # %s, want 3s from the env", timeout.Value, chain)
			}
			if v, ok := os.LookupEnv("KRATOS_GRPC_TIMEOUT"); ok {
				t.Errorf("kratos-trace's own environment keeps KRATOS_GRPC_TIMEOUT=%s", v)
			}
		})
	}
}

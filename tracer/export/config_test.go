package export

import (
	"bytes"
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

func TestExportCarriesOrigins(t *testing.T) {
	events := tracertest.DemoEvents()
	for i := range events {
		ev := &events[i]
		if ev.Phase == tracer.PhaseConfigLoad {
			ev.ConfigSources = []tracer.ConfigSource{
				{Kind: "file", Name: "configs/config.yaml", Format: "yaml", Size: 412, Content: "password: hunter2\n"},
				{Kind: "env", Name: "KRATOS_", Keys: 1, Content: "KRATOS_TOKEN=tok123"},
			}
		}
		if src := ev.Bootstrap.Lookup("data.database.source"); src != nil {
			src.Value = "u:dsnpw@tcp(h:1)/db"
			src.Origin = &tracer.Origin{Kind: tracer.OriginFile, Source: "configs/config.yaml", Line: 22}
		}
	}
	var out bytes.Buffer
	if err := Write(&out, events, Options{}); err != nil {
		t.Fatal(err)
	}
	// Indentation aside: the file is indented JSON.
	got := strings.Join(strings.Fields(out.String()), "")
	for _, want := range []string{`"config_sources":["configs/config.yaml(yaml,412B)","envKRATOS_(1key)"]`, `#configs/config.yaml:22`} {
		if !strings.Contains(got, want) {
			t.Errorf("the export lacks %s", want)
		}
	}
	for _, secret := range []string{"hunter2", "tok123", "dsnpw"} {
		if strings.Contains(got, secret) {
			t.Errorf("the export holds %q in clear", secret)
		}
	}
}

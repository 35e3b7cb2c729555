package tracer

import "testing"

func TestOriginText(t *testing.T) {
	file := Origin{Kind: OriginFile, Source: "configs/zz-override.yaml", Line: 3, Column: 9}
	for _, tt := range []struct {
		name        string
		o           Origin
		long, short string
	}{
		{"a file", file, "configs/zz-override.yaml:3", "zz-override.yaml:3"},
		{"a file without a line", Origin{Kind: OriginFile, Source: `C:\app\configs\config.yaml`}, `C:\app\configs\config.yaml`, "config.yaml"},
		{"an env variable", Origin{Kind: OriginEnv, Source: "KRATOS_", Key: "KRATOS_GRPC_TIMEOUT"}, "env KRATOS_GRPC_TIMEOUT", "env KRATOS_GRPC_TIMEOUT"},
		{"an env source", Origin{Kind: OriginEnv, Source: "KRATOS_"}, "env KRATOS_", "env KRATOS_"},
		{"a placeholder resolved from env",
			Origin{Kind: OriginPlaceholder, Source: "configs/config.yaml", Line: 8, Placeholder: "${GRPC_TIMEOUT:1s}", Resolved: &Origin{Kind: OriginEnv, Key: "KRATOS_GRPC_TIMEOUT"}},
			"env KRATOS_GRPC_TIMEOUT via ${GRPC_TIMEOUT:1s} (configs/config.yaml:8)", "env KRATOS_GRPC_TIMEOUT via ${GRPC_TIMEOUT:1s} (config.yaml:8)"},
		{"a placeholder's default", Origin{Kind: OriginDefault, Source: "configs/config.yaml", Line: 8, Placeholder: "${GRPC_TIMEOUT:1s}"},
			"${GRPC_TIMEOUT:1s} default (configs/config.yaml:8)", "${GRPC_TIMEOUT:1s} default (config.yaml:8)"},
		{"unset", Origin{Kind: OriginUnset}, "unset", "unset"},
		{"another source", Origin{Kind: OriginOther, Source: "*apollo.source", Key: "server.addr", Line: 2}, "other (*apollo.source) server.addr:2", "other (*apollo.source) server.addr:2"},
		{"a kind from a newer recording", Origin{Kind: "vault"}, "vault", "vault"},
		{"nothing", Origin{}, "", ""},
	} {
		if got := tt.o.String(); got != tt.long {
			t.Errorf("%s: String = %q, want %q", tt.name, got, tt.long)
		}
		if got := tt.o.Short(); got != tt.short {
			t.Errorf("%s: Short = %q, want %q", tt.name, got, tt.short)
		}
	}
}

func TestChain(t *testing.T) {
	now := &Origin{Kind: OriginFile, Source: "configs/zz-override.yaml", Line: 3}
	overrides := []Override{
		{Value: "1s", Origin: Origin{Kind: OriginFile, Source: "configs/config.yaml", Line: 3}},
		{Value: "2s", Origin: Origin{Kind: OriginEnv, Key: "KRATOS_SERVER_HTTP_TIMEOUT"}},
	}
	if got, want := Chain(now, overrides), "configs/zz-override.yaml:3 (overrides env KRATOS_SERVER_HTTP_TIMEOUT, configs/config.yaml:3)"; got != want {
		t.Errorf("Chain = %q, want %q (latest first)", got, want)
	}
	if got := Chain(now, nil); got != "configs/zz-override.yaml:3" {
		t.Errorf("Chain without overrides = %q", got)
	}
	if got := Chain(nil, overrides); got != "" {
		t.Errorf("Chain without an origin = %q", got)
	}
}

func TestSourcesSummary(t *testing.T) {
	sources := []ConfigSource{
		{Kind: "file", Name: "configs/config.yaml", Format: "yaml", Size: 412},
		{Kind: "env", Name: "KRATOS_", Keys: 2},
		{Kind: "*apollo.source", Keys: 1},
	}
	if got, want := SourcesSummary(sources), "3 sources: configs/config.yaml (yaml, 412 B), env KRATOS_ (2 keys), *apollo.source (1 key)"; got != want {
		t.Errorf("SourcesSummary = %q, want %q", got, want)
	}
	if got, want := SourcesSummary(sources[:1]), "1 source: configs/config.yaml (yaml, 412 B)"; got != want {
		t.Errorf("SourcesSummary of one = %q, want %q", got, want)
	}
}

package redact

import (
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
)

func TestContentMasksSecrets(t *testing.T) {
	in := strings.Join([]string{
		"data:",
		"  database:",
		"    source: root:hunter2@tcp(127.0.0.1:3306)/test",
		"    password: ${DB_PASSWORD:s3cr3t}",
		"  client_secret: \"abc123\"",
		"  credentials: k-9",
		"  token_ttl: 5m",
		"  redis: redis://app:pw42@127.0.0.1:6379/0",
		"KRATOS_DB_PASSWORD=p@ss",
		"KRATOS_API_TOKEN=tok",
		`{"password": "jsonpw", "addr": "127.0.0.1:1"}`,
	}, "\n")
	got := Content(in)
	for _, secret := range []string{"hunter2", "s3cr3t", "abc123", "k-9", "pw42", "p@ss", "=tok", "jsonpw"} {
		if strings.Contains(got, secret) {
			t.Errorf("%q is in the masked content:\n%s", secret, got)
		}
	}
	for _, kept := range []string{"token_ttl: 5m", "127.0.0.1:3306", "KRATOS_DB_PASSWORD=", "127.0.0.1:1"} {
		if !strings.Contains(got, kept) {
			t.Errorf("%q is missing from the masked content:\n%s", kept, got)
		}
	}
	if Content(got) != got {
		t.Error("Content is not idempotent")
	}
}

func TestNodeKeepsOriginsMasksOverridden(t *testing.T) {
	cfg := tracer.Origin{Kind: tracer.OriginFile, Source: "configs/config.yaml", Line: 4}
	n := &tracer.Node{Name: "Bootstrap", Children: []*tracer.Node{
		{Name: "password", Value: "new-secret", Origin: &tracer.Origin{Kind: tracer.OriginEnv, Key: "KRATOS_PASSWORD"},
			Overrides: []tracer.Override{{Value: "old-secret", Origin: cfg}}},
		{Name: "source", Value: "u:dsnpw@tcp(h:1)/db", Origin: &cfg,
			Overrides: []tracer.Override{{Value: "u:olddsnpw@tcp(h:1)/db", Origin: cfg}}},
		{Name: "api_key", Value: "k", Origin: &tracer.Origin{Kind: tracer.OriginDefault, Key: "API_KEY", Placeholder: "${API_KEY:defaultkey}", Source: "c.yaml", Line: 2}},
	}}
	out := Node(n)
	text := ""
	out.Walk(func(_ string, c *tracer.Node) {
		text += c.Value + tracer.Chain(c.Origin, c.Overrides)
		for _, o := range c.Overrides {
			text += o.Value
		}
	})
	for _, secret := range []string{"new-secret", "old-secret", "dsnpw", "olddsnpw", "defaultkey"} {
		if strings.Contains(text, secret) {
			t.Errorf("%q is in the redacted tree: %s", secret, text)
		}
	}
	if got := tracer.Chain(out.Children[0].Origin, out.Children[0].Overrides); got != "env KRATOS_PASSWORD (overrides configs/config.yaml:4)" {
		t.Errorf("the secret's origin is lost: %q", got)
	}
	if n.Children[0].Overrides[0].Value != "old-secret" {
		t.Error("Node changed its input")
	}
}

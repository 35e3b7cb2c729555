package delve

import (
	"path/filepath"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
)

func TestServiceRoot(t *testing.T) {
	beershop, layout := filepath.Join("testdata", "beershop"), filepath.Join("testdata", "layout")
	for _, c := range []struct {
		module, main, want string
	}{
		// beer-shop: each service's internal/ beside its cmd/.
		{beershop, filepath.Join(beershop, "app/storefront/service/cmd/server"), "app/storefront/service"},
		{beershop, filepath.Join(beershop, "app/inventory/service/cmd/server"), "app/inventory/service"},
		// kratos-layout: the module root's internal/.
		{layout, filepath.Join(layout, "cmd/server"), "."},
		// No internal/ on the way up: the module root's, as before.
		{filepath.Join("testdata", "registry"), filepath.Join("testdata", "registry", "handbuilt"), "."},
		// Unknown or outside the module.
		{"", filepath.Join(layout, "cmd/server"), "."},
		{beershop, layout, "."},
	} {
		if got := serviceRoot(c.module, c.main); got != c.want {
			t.Errorf("serviceRoot(%s, %s) = %q, want %q", c.module, c.main, got, c.want)
		}
	}
	got := serviceLayers("app/storefront/service")[tracer.PhaseRequestBiz]
	if len(got) != 1 || got[0] != "app/storefront/service/internal/biz" {
		t.Errorf("biz layer under app/storefront/service = %v", got)
	}
	if got := serviceLayers(".")[tracer.PhaseRequestService]; len(got) != 1 || got[0] != "internal/service" {
		t.Errorf("service layer at the module root = %v", got)
	}
}

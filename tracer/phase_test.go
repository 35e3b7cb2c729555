package tracer

import "testing"

// TestPhaseCatalog: every phase is in the catalog once, in boot order, and
// Info, Order and IsRequestPhase answer from it.
func TestPhaseCatalog(t *testing.T) {
	seen := map[PhaseID]bool{}
	for i, p := range Phases {
		if seen[p.ID] {
			t.Errorf("%s is in the catalog twice", p.ID)
		}
		seen[p.ID] = true
		if got := Order(p.ID); got != i {
			t.Errorf("Order(%s) = %d, want %d", p.ID, got, i)
		}
		if info, ok := Info(p.ID); !ok || info.ID != p.ID || info.Title == "" || info.Summary == "" {
			t.Errorf("Info(%s) = %+v, %t", p.ID, info, ok)
		}
	}
	for _, before := range [][2]PhaseID{
		{PhaseFlagParse, PhaseConfigLoad}, {PhaseConfigScan, PhaseWire}, {PhaseWireDone, PhaseAppRun},
		{PhaseServerStart, PhaseRunning}, {PhaseRunning, PhaseStop}, {PhaseAfterStop, PhaseExit},
	} {
		if Order(before[0]) >= Order(before[1]) {
			t.Errorf("%s does not come before %s", before[0], before[1])
		}
	}
	if _, ok := Info("app.fly"); ok || Order("app.fly") != -1 {
		t.Error("an unknown phase is in the catalog")
	}
	for id, want := range map[PhaseID]bool{PhaseRequestTransport: true, PhaseRequestReply: true, PhaseServerStart: false, PhaseBreak: false, "request.fly": false} {
		if got := IsRequestPhase(id); got != want {
			t.Errorf("IsRequestPhase(%s) = %t", id, got)
		}
	}
}

func TestRequestLabels(t *testing.T) {
	for _, tt := range []struct {
		info RequestInfo
		want string
	}{
		{RequestInfo{ID: 1, Transport: "http", Method: "GET", Path: "/helloworld/kratos"}, "#1 GET /helloworld/kratos"},
		{RequestInfo{ID: 2, Transport: "grpc", Method: "POST", Path: "helloworld.v1.Greeter/SayHello"}, "#2 grpc helloworld.v1.Greeter/SayHello"},
	} {
		if got := tt.info.Label(); got != tt.want {
			t.Errorf("Label = %q, want %q", got, tt.want)
		}
	}
	var none *RequestInfo
	if none.Label() != "" {
		t.Error("a nil request has a label")
	}
	for _, tt := range []struct {
		spec RequestSpec
		want string
	}{
		{RequestSpec{Transport: "http", Method: "GET", Path: "/helloworld/kratos"}, "GET /helloworld/kratos"},
		{RequestSpec{Transport: "http", Method: "POST", Path: "/v1/greeter", Body: `{"name":"x"}`}, `POST /v1/greeter {"name":"x"}`},
		{RequestSpec{Transport: "grpc", Path: "helloworld.v1.Greeter/SayHello", Body: `{"name":"x"}`}, `grpc helloworld.v1.Greeter/SayHello {"name":"x"}`},
	} {
		if got := tt.spec.String(); got != tt.want {
			t.Errorf("String = %q, want %q", got, tt.want)
		}
	}
}

func TestMetadataPairs(t *testing.T) {
	inst := &ServiceInstance{Metadata: map[string]string{"zone": "local", "owner": "me", "a": ""}}
	got := inst.MetadataPairs()
	if len(got) != 3 || got[0] != "a=" || got[1] != "owner=me" || got[2] != "zone=local" {
		t.Errorf("MetadataPairs = %q, want them sorted by key", got)
	}
	if got := (&ServiceInstance{}).MetadataPairs(); len(got) != 0 {
		t.Errorf("no metadata: %q", got)
	}
}

func TestExprSyntax(t *testing.T) {
	for _, ok := range []string{"main.flagconf", "len(a.opts.servers)", "bc.Server.Http.Addr", `m["k"]`} {
		if _, msg, good := ExprSyntax(ok); !good || msg != "" {
			t.Errorf("ExprSyntax(%q) = %q, %t", ok, msg, good)
		}
	}
	pos, msg, good := ExprSyntax("len(a.opts.servers")
	if good || pos.Column != 19 || msg != "missing ',' before newline in argument list" {
		t.Errorf("ExprSyntax of an open call = %v, %q, %t", pos, msg, good)
	}
	if _, msg, _ := ExprSyntax("a +"); msg != "expected operand, found its end" {
		t.Errorf("the end of the text is called %q", msg)
	}
}

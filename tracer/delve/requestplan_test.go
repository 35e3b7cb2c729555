package delve

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// demoFuncs are function names as the demo's binary has them (go tool nm),
// around the layers a request crosses, with the clients' as a program that
// calls another service has them (testdata/beershop's storefront).
var demoFuncs = strings.Fields(`
github.com/go-kratos/kratos/v2/middleware/logging.Client.func1.1
github.com/go-kratos/kratos/v2/middleware/logging.Server
github.com/go-kratos/kratos/v2/middleware/logging.Server.func1
github.com/go-kratos/kratos/v2/middleware/logging.Server.func1.1
github.com/go-kratos/kratos/v2/middleware/logging.extractArgs
github.com/go-kratos/kratos/v2/middleware/recovery.Recovery
github.com/go-kratos/kratos/v2/middleware/recovery.Recovery.func1
github.com/go-kratos/kratos/v2/middleware/recovery.Recovery.func2
github.com/go-kratos/kratos/v2/middleware/recovery.Recovery.func2.1
github.com/go-kratos/kratos/v2/middleware/recovery.Recovery.func2.1.1
github.com/go-kratos/kratos/v2/transport/grpc.(*Server).unaryServerInterceptor
github.com/go-kratos/kratos/v2/transport/grpc.(*Server).unaryServerInterceptor.func1
github.com/go-kratos/kratos/v2/transport/grpc.(*Server).unaryServerInterceptor.func1.1
github.com/go-kratos/kratos/v2/transport/http.(*Router).Handle.func1
github.com/go-kratos/kratos/v2/transport/http.(*Server).filter
github.com/go-kratos/kratos/v2/transport/http.(*Server).filter.func1
github.com/go-kratos/kratos/v2/transport/http.(*Server).filter.func1.1
github.com/go-kratos/kratos/v2/transport/grpc.unaryClientInterceptor
github.com/go-kratos/kratos/v2/transport/grpc.unaryClientInterceptor.func1
github.com/go-kratos/kratos/v2/transport/grpc.unaryClientInterceptor.func1.1
github.com/go-kratos/kratos/v2/transport/http.(*Client).Invoke
github.com/go-kratos/kratos/v2/transport/http.(*Client).invoke
github.com/go-kratos/kratos/v2/transport/http.(*Client).invoke.func1
github.com/kratos-trace/kratos-trace/demo/internal/biz.(*GreeterUsecase).CreateGreeter
github.com/kratos-trace/kratos-trace/demo/internal/biz.NewGreeterUsecase
github.com/kratos-trace/kratos-trace/demo/internal/biz.init
github.com/kratos-trace/kratos-trace/demo/internal/data.(*greeterRepo).CountByHello
github.com/kratos-trace/kratos-trace/demo/internal/data.(*greeterRepo).Save
github.com/kratos-trace/kratos-trace/demo/internal/data.NewData
github.com/kratos-trace/kratos-trace/demo/internal/data.NewData.func1
github.com/kratos-trace/kratos-trace/demo/internal/data.openSQLite
github.com/kratos-trace/kratos-trace/demo/internal/data.probeRedis.deferwrap1
github.com/kratos-trace/kratos-trace/demo/internal/service.(*GreeterService).SayHello
github.com/kratos-trace/kratos-trace/demo/internal/service.NewGreeterService
github.com/kratos-trace/kratos-trace/demo/internal/middleware.Auth.func1.1
github.com/other/lib/internal/service.(*X).Do
`)

func TestClassifyRequestFuncs(t *testing.T) {
	got := classifyRequestFuncs(demoFuncs, "github.com/kratos-trace/kratos-trace/demo", DefaultLayers)
	var lines []string
	for _, f := range got {
		lines = append(lines, fmt.Sprintf("%s %s", f.phase, f.detail))
	}
	want := []string{
		"request.transport grpc",
		"request.transport http",
		"request.middleware logging",
		"request.middleware recovery",
		"request.middleware auth",
		"request.service service.GreeterService.SayHello",
		"request.biz biz.GreeterUsecase.CreateGreeter",
		"request.data data.greeterRepo.CountByHello",
		"request.data data.greeterRepo.Save",
		"request.client grpc",
		"request.client http",
		// A Client constructor's middleware is the client's; recovery,
		// which both sides use, is told apart where it runs.
		"request.client-middleware logging",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("classified:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	// Without the module (a program under a remote Delve), any package path
	// ending in a layer's directory counts.
	got = classifyRequestFuncs(demoFuncs, "", DefaultLayers)
	if n := len(got); n != len(want)+1 {
		t.Errorf("without a module: %d functions, want %d", n, len(want)+1)
	}
	// The filter handed to Delve lets every one of them through.
	re := regexp.MustCompile(requestFuncsFilter("github.com/kratos-trace/kratos-trace/demo", DefaultLayers))
	for _, f := range got {
		if !re.MatchString(f.function) {
			t.Errorf("the filter drops %s", f.function)
		}
	}
}

// TestClassifyOptimisedTransports: a plain go build inlines filter and
// unaryServerInterceptor into NewServer, whose name then prefixes their
// closures' (go tool nm on the kratos-layout fixture built so).
func TestClassifyOptimisedTransports(t *testing.T) {
	names := strings.Fields(`
github.com/go-kratos/kratos/v2/transport/grpc.NewServer.(*Server).streamServerInterceptor.func2
github.com/go-kratos/kratos/v2/transport/grpc.NewServer.(*Server).unaryServerInterceptor.func1
github.com/go-kratos/kratos/v2/transport/grpc.NewServer.(*Server).unaryServerInterceptor.func1.1
github.com/go-kratos/kratos/v2/transport/http.NewServer.(*Server).filter.func1
github.com/go-kratos/kratos/v2/transport/http.NewServer.(*Server).filter.func1.1
`)
	var got []string
	for _, f := range classifyRequestFuncs(names, "", DefaultLayers) {
		got = append(got, string(f.phase)+" "+f.detail+" "+f.function)
	}
	want := []string{
		"request.transport grpc github.com/go-kratos/kratos/v2/transport/grpc.NewServer.(*Server).unaryServerInterceptor.func1",
		"request.transport http github.com/go-kratos/kratos/v2/transport/http.NewServer.(*Server).filter.func1.1",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("classified:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	re := regexp.MustCompile(requestFuncsFilter("", DefaultLayers))
	for _, n := range names[1:3] {
		if !re.MatchString(n) {
			t.Errorf("the filter drops %s", n)
		}
	}
}

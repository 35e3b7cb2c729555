package server

import (
	"os"

	"github.com/go-kratos/kratos/v2/middleware"
	"github.com/go-kratos/kratos/v2/middleware/tracing"
	"go.opentelemetry.io/otel"
	tracesdk "go.opentelemetry.io/otel/sdk/trace"
)

// tracingServer is the server's tracing middleware when BEERSHOP_TRACING
// is set, with an OpenTelemetry SDK tracer provider (exporting nowhere) so
// that spans have ids a traceparent carries on; else none.
func tracingServer() []middleware.Middleware {
	if os.Getenv("BEERSHOP_TRACING") == "" {
		return nil
	}
	otel.SetTracerProvider(tracesdk.NewTracerProvider())
	return []middleware.Middleware{tracing.Server()}
}

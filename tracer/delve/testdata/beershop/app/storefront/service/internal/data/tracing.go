package data

import (
	"os"

	"github.com/go-kratos/kratos/v2/middleware"
	"github.com/go-kratos/kratos/v2/middleware/tracing"
)

// tracingClient is the clients' tracing middleware when BEERSHOP_TRACING
// is set (the calls then carry a W3C traceparent), else none.
func tracingClient() []middleware.Middleware {
	if os.Getenv("BEERSHOP_TRACING") == "" {
		return nil
	}
	return []middleware.Middleware{tracing.Client()}
}

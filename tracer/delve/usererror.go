package delve

import "github.com/kratos-trace/kratos-trace/tracer"

// UserError is tracer.UserError, by the name the command line has known it.
type UserError = tracer.UserError

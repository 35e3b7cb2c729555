package delve

import "github.com/kratos-trace/kratos-trace/tracer"

// UserError is tracer.UserError, the failure a person can act on, by the
// short name this package's many of them use.
type UserError = tracer.UserError

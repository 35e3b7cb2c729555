package tracer

// UserError is a failure caused by the user's input or environment: a
// program that does not compile, a directory that is no main package, a
// Delve server that cannot be reached. Its message is one sentence a person
// can act on; Hint says what to do. The command line prints it as it is,
// with no Go error chain.
type UserError struct {
	Msg  string
	Hint string
	// Detail is extra text to show below the sentence, e.g. compiler output.
	Detail string
	Err    error
}

func (e *UserError) Error() string { return e.Msg }

// Unwrap returns the underlying error, if any.
func (e *UserError) Unwrap() error { return e.Err }

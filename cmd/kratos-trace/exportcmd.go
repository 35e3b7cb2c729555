package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kratos-trace/kratos-trace/tracer/export"
)

// exportFlags are the flags of `kratos-trace export`.
type exportFlags struct {
	out      string
	noRedact bool
}

func newExportCommand(io streams) *cobra.Command {
	var opts exportFlags
	cmd := &cobra.Command{
		Use:   "export [flags] FILE.jsonl",
		Short: "Convert a recorded trace to Chrome Trace Event Format for Perfetto",
		Long: `Convert a trace recorded with kratos-trace run --record into the Chrome Trace
Event Format JSON that Perfetto UI (https://ui.perfetto.dev) and
chrome://tracing open: the phases as nested slices (each group of phases
holding its phases) on a lifecycle track, each server's state on a track of
its own, and the program's output as marks.

A live run writes the same file with kratos-trace run --trace-out FILE.json.`,
		Example: `  kratos-trace export boot.jsonl -o boot.trace.json
  kratos-trace export boot.jsonl > boot.trace.json`,
		Args: exactArgs(1, "the recording to export", "kratos-trace export boot.jsonl -o trace.json", "one recording"),
		RunE: func(cmd *cobra.Command, args []string) error {
			rec, err := readRecording(io, args[0])
			if err != nil {
				return err
			}
			if opts.out == "" || opts.out == "-" {
				return export.Write(io.out, rec.Events, exportOptions(rec.Header, args[0], opts.noRedact))
			}
			if err := writeTraceFile(opts.out, rec.Events, rec.Header, args[0], opts.noRedact); err != nil {
				return err
			}
			fmt.Fprintf(io.err, "kratos-trace: wrote %s (open it in https://ui.perfetto.dev or chrome://tracing)\n", opts.out)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.out, "output", "o", "", "write the trace to `FILE.json` (default: standard output)")
	f.BoolVar(&opts.noRedact, "no-redact", false, "write values that look secret as the recording holds them")
	return cmd
}

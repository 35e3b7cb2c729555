package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/delve"
	"github.com/kratos-trace/kratos-trace/tracer/headless"
)

func newPhasesCommand(io streams) *cobra.Command {
	var asJSON, explain bool
	var langFlag string
	cmd := &cobra.Command{
		Use:   "phases [PACKAGE]",
		Short: "List the phases kratos-trace would stop at in a program, with their locations",
		Long: `Build PACKAGE (default ./demo) as run does, launch it under Delve without
letting it run, resolve every phase breakpoint and list them with the file and
line each resolved to, and the phases that are unavailable in this program and
why. Use it to check a project before a class.`,
		Example: `  kratos-trace phases ./demo
  kratos-trace phases --json ./cmd/server`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usage(fmt.Sprintf("accepts at most one PACKAGE, got %d: %q", len(args), args), helpHint(cmd))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if explain {
				lang, err := pickLang(langFlag)
				if err != nil {
					return err
				}
				printCatalog(io, lang)
				return nil
			}
			target := "./demo"
			if len(args) == 1 {
				target = args[0]
			}
			src, err := delve.Start(cmd.Context(), delve.Config{Target: target, PlanOnly: true})
			if err != nil {
				return err
			}
			defer src.Close()
			var session *tracer.Session
			var failure *tracer.Event
			for ev := range src.Events() {
				switch ev.Kind {
				case tracer.KindSession:
					session = ev.Session
				case tracer.KindError:
					e := ev
					failure = &e
				case tracer.KindStatus:
					fmt.Fprintf(io.err, "kratos-trace: %s\n", ev.Status)
				}
			}
			if failure != nil {
				return traceOutcome(io, &headless.Result{Err: failure, ExitCode: -1})
			}
			if session == nil {
				return fmt.Errorf("the program could not be launched")
			}
			if asJSON {
				enc := json.NewEncoder(io.out)
				for _, p := range session.Plan {
					if err := enc.Encode(p); err != nil {
						return err
					}
				}
				return nil
			}
			printPlan(io, session)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object per phase")
	cmd.Flags().BoolVar(&explain, "explain", false, "explain every phase (needs no PACKAGE and no build)")
	addLangFlag(cmd, &langFlag)
	return cmd
}

// langUsage is the help of every --lang flag.
const langUsage = "language of notes and headings: en or zh (default from LC_ALL/LANG, else en)"

// addLangFlag adds --lang, whose default comes from the locale.
func addLangFlag(cmd *cobra.Command, lang *string) {
	cmd.Flags().StringVar(lang, "lang", "", langUsage)
}

// pickLang resolves --lang, or the locale when it is empty.
func pickLang(flag string) (tracer.Lang, error) {
	if flag == "" {
		return tracer.LangFromEnv(), nil
	}
	lang, ok := tracer.ParseLang(flag)
	if !ok {
		return lang, usage(fmt.Sprintf("--lang %q: the notes exist in en and zh", flag), "say --lang en or --lang zh")
	}
	return lang, nil
}

// printCatalog prints every phase with its note.
func printCatalog(io streams, lang tracer.Lang) {
	labels := map[tracer.Lang][2]string{tracer.English: {"look at", "source"}, tracer.Chinese: {"看哪里", "源码"}}[lang]
	group := tracer.Group("")
	for _, p := range tracer.Phases {
		n, _ := tracer.NoteFor(p.ID, lang)
		if p.Group != group {
			group = p.Group
			fmt.Fprintf(io.out, "\n== %s ==\n", group)
		}
		fmt.Fprintf(io.out, "\n%s — %s\n  %s\n  %s: %s\n  %s: %s\n", p.ID, n.Title, n.Explain, labels[0], n.LookAt, labels[1], n.Source)
	}
}

// printPlan shows the resolved phases as a table.
func printPlan(io streams, s *tracer.Session) {
	fmt.Fprint(io.out, headless.FormatPlan(s))
}

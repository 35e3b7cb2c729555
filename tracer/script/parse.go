// Package script drives a trace from a small line-oriented script, for a
// teacher walking a class through a boot, or as a regression test of a
// service's boot: an `expect` that does not hold makes the run fail and
// names its line.
//
// # The language
//
// One command a line. Blank lines and everything after a # that is not
// inside a string are ignored. Words are separated by spaces; a string in
// double quotes may hold spaces and Go escapes ("a \"b\"\n").
//
//	break PHASE|LOC...         pause at these phases or locations from now on (or: break all)
//	clear PHASE|LOC...         stop pausing at them (or: clear all)
//	continue                   run to the next phase whose break is on
//	print PATH...              print values of the current stop
//	expect PATH OP VALUE       check a value: OP is ==, !=, contains or !contains
//	watch EXPR                 print a Go expression's value at every stop paused at
//	eval EXPR                  print a Go expression's value at the current stop
//	expect eval(EXPR) OP VALUE check a Go expression's value
//	note TEXT                  show a note to the audience
//	sleep DURATION             wait, e.g. 2s or 500ms
//	sigterm                    send SIGTERM and run to the next break (at app.running)
//	request METHOD PATH [BODY]
//	request grpc SERVICE/METHOD JSON
//	                           send a request to the App (at app.running or a
//	                           request's reply) and run to its next break; its
//	                           reply always pauses
//	quit                       end the trace now (kills the program)
//
// A word of break or clear that is not a phase ID is a location in the
// program's own code: FILE:LINE (relative to the module root, or absolute)
// or a function with its package (main.newApp,
// biz.(*GreeterUsecase).CreateGreeter, or with its full package path). Its
// stops have phase break and the location as written as detail. A word
// close to a phase ID is taken for a misspelt phase.
//
// EXPR is a Go expression as Delve evaluates it, in the innermost frame of
// the stopped goroutine: len(a.opts.servers), bc.Server.Http.Addr,
// main.flagconf. It is the rest of the line (for eval( up to its closing
// parenthesis) and may hold strings with spaces, quotes and #. A string
// value compares by its text, without its quotes. On a recording no code
// runs: eval answers from the watches recorded at the stop with the same
// expression text, and otherwise fails with "needs a live program: EXPR
// was not watched in this recording" (record with run --watch EXPR).
//
// At the start no break is on: the first `continue` runs to the first phase
// named by a `break` before it. app.running always pauses, as past it the
// program only waits for a signal: go on from there with `sigterm` (in a
// system, `continue` goes on while services are still to start); a
// `continue` there is an error. When the program exits, the exit is the
// current stop. The script ends with its last line or `quit`; the trace is
// then closed.
//
// PHASE is a phase ID such as config.scan or server.start. A PATH names a
// value of the current stop:
//
//	phase, detail, kind, file, line, function, goroutine   the stop itself
//	bootstrap, bootstrap.server.http.addr                  the Bootstrap config (a subtree prints as a tree)
//	servers, servers.count                                 the App's servers (a table, their number)
//	servers[0].address, servers[http].state                one server by index or kind: kind, type,
//	                                                       network, address, timeout, endpoint, state, services
//	output                                                 every line the program has written so far
//	exit_code                                              the program's exit status, once it has exited
//	request, request.method, .path, .transport, .id, .body the request sent last
//	reply, reply.code, .status, .ok, .body, .message,      its reply, from request.reply on
//	  .error, .header, .failed_at, .failed_detail
//
// A script is parsed whole before anything runs; a mistake is reported as
// FILE:LINE:COL: reason. A trace that stalls (run --stall) fails the line
// that was waiting for it, and the run's Result says so.
package script

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// Script is a parsed script.
type Script struct {
	// Name is the file it came from, for messages.
	Name     string
	Commands []Command
}

// Op names a command.
type Op string

// The commands.
const (
	OpBreak    Op = "break"
	OpClear    Op = "clear"
	OpContinue Op = "continue"
	OpPrint    Op = "print"
	OpExpect   Op = "expect"
	OpNote     Op = "note"
	OpSleep    Op = "sleep"
	OpSigterm  Op = "sigterm"
	OpQuit     Op = "quit"
	OpWatch    Op = "watch"
	OpEval     Op = "eval"
)

// Command is one line of a script.
type Command struct {
	Op Op
	// Line is the command's line number, from 1; Text the line as written.
	Line int
	Text string
	// Phases are break's and clear's phase arguments, Locations their
	// locations in the program's code (FILE:LINE or a function), as
	// written.
	Phases    []tracer.PhaseID
	Locations []string
	// Expr is the Go expression of watch, eval and expect eval(EXPR).
	Expr string
	// Paths are print's arguments; expect's is Paths[0], unless it checks
	// eval(Expr).
	Paths []Path
	// Cmp and Want are expect's operator and value.
	Cmp  string
	Want string
	// Note is note's text.
	Note string
	// Duration is sleep's argument.
	Duration time.Duration
	// Request is request's argument.
	Request tracer.RequestSpec
}

// Error is a mistake in a script, at FILE:LINE:COL.
type Error struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// ParseFile reads and parses the script at path.
func ParseFile(path string) (*Script, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read the script: %w", err)
	}
	return Parse(path, strings.NewReader(string(data)))
}

// Parse parses a script; name is used in messages. Every mistake is
// reported, each as an *Error, joined with errors.Join.
func Parse(name string, r io.Reader) (*Script, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read the script %s: %w", name, err)
	}
	s := &Script{Name: name}
	var errs []error
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSuffix(line, "\r")
		p := &lineParser{file: name, line: i + 1}
		cmd, ok, err := p.exprCommand(line)
		if !ok {
			cmd, ok, err = p.requestLine(line)
		}
		if ok {
			if err != nil {
				errs = append(errs, err)
				continue
			}
			cmd.Line, cmd.Text = i+1, strings.TrimSpace(line)
			s.Commands = append(s.Commands, cmd)
			continue
		}
		toks, err := p.tokenize(line)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if len(toks) == 0 {
			continue
		}
		cmd, err = p.command(toks)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		cmd.Line, cmd.Text = i+1, strings.TrimSpace(line)
		s.Commands = append(s.Commands, cmd)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return s, nil
}

// token is a word or a string of a line; col is where it starts (from 1,
// in characters).
type token struct {
	text   string
	col    int
	quoted bool
}

type lineParser struct {
	file string
	line int
}

func (p *lineParser) errorf(col int, format string, args ...any) *Error {
	return &Error{File: p.file, Line: p.line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

// tokenize splits a line into words and strings, dropping a comment.
func (p *lineParser) tokenize(line string) ([]token, error) {
	runes := []rune(line)
	var toks []token
	for i := 0; i < len(runes); {
		switch r := runes[i]; {
		case r == ' ' || r == '\t':
			i++
		case r == '#':
			return toks, nil
		case r == '"':
			j := i + 1
			for ; j < len(runes) && runes[j] != '"'; j++ {
				if runes[j] == '\\' {
					j++
				}
			}
			if j >= len(runes) {
				return nil, p.errorf(i+1, "the string is not closed: a \" is missing")
			}
			text, err := strconv.Unquote(string(runes[i : j+1]))
			if err != nil {
				return nil, p.errorf(i+1, "bad string: %v", strings.TrimPrefix(err.Error(), "strconv.Unquote: "))
			}
			toks = append(toks, token{text: text, col: i + 1, quoted: true})
			i = j + 1
		default:
			j := i
			for ; j < len(runes) && runes[j] != ' ' && runes[j] != '\t' && runes[j] != '"'; j++ {
			}
			toks = append(toks, token{text: string(runes[i:j]), col: i + 1})
			i = j
		}
	}
	return toks, nil
}

// commands lists every command, for messages.
var commands = []Op{OpBreak, OpClear, OpContinue, OpPrint, OpExpect, OpWatch, OpEval, OpNote, OpSleep, OpSigterm, OpRequest, OpQuit}

func (p *lineParser) command(toks []token) (Command, error) {
	head, args := toks[0], toks[1:]
	op := Op(head.text)
	// end is the column just past the last token, where a missing
	// argument would go.
	last := toks[len(toks)-1]
	end := last.col + len([]rune(last.text))
	if last.quoted {
		end = last.col + len([]rune(strconv.Quote(last.text)))
	}
	cmd := Command{Op: op}
	if head.quoted {
		return cmd, p.errorf(head.col, "a line must start with a command, not a string")
	}
	switch op {
	case OpContinue, OpSigterm, OpQuit:
		if len(args) > 0 {
			return cmd, p.errorf(args[0].col, "%s takes no arguments", op)
		}
	case OpBreak, OpClear:
		if len(args) == 0 {
			return cmd, p.errorf(end, "%s needs a phase or a location, e.g. %s config.scan or %s main.newApp", op, op, op)
		}
		for _, a := range args {
			if a.text == "all" && !a.quoted {
				for _, ph := range tracer.Phases {
					cmd.Phases = append(cmd.Phases, ph.ID)
				}
				continue
			}
			phase, loc, err := p.classifyBreak(op, a)
			if err != nil {
				return cmd, err
			}
			if loc != "" {
				cmd.Locations = append(cmd.Locations, loc)
			} else {
				cmd.Phases = append(cmd.Phases, phase)
			}
		}
	case OpPrint:
		if len(args) == 0 {
			return cmd, p.errorf(end, "print needs a path, e.g. print bootstrap.server.http.addr")
		}
		for _, a := range args {
			path, err := ParsePath(a.text)
			if err != nil {
				return cmd, p.pathError(a, err)
			}
			cmd.Paths = append(cmd.Paths, path)
		}
	case OpExpect:
		if len(args) > 3 {
			return cmd, p.errorf(args[3].col, "expect takes a path, an operator and one value; quote a value that holds spaces")
		}
		if len(args) != 3 {
			return cmd, p.errorf(end, "expect needs a path, an operator and a value, e.g. expect servers.count == 2")
		}
		path, err := ParsePath(args[0].text)
		if err != nil {
			return cmd, p.pathError(args[0], err)
		}
		if path.Table() {
			return cmd, p.errorf(args[0].col, "%s is a table, not a value; expect one of its values, e.g. %s", path, path.example())
		}
		switch args[1].text {
		case "==", "!=", "contains", "!contains":
		default:
			return cmd, p.errorf(args[1].col, "unknown operator %q; use ==, !=, contains or !contains", args[1].text)
		}
		cmd.Paths, cmd.Cmp, cmd.Want = []Path{path}, args[1].text, args[2].text
	case OpNote:
		if len(args) == 0 {
			return cmd, p.errorf(end, `note needs a text, e.g. note "Now the servers are built"`)
		}
		words := make([]string, len(args))
		for i, a := range args {
			words[i] = a.text
		}
		cmd.Note = strings.Join(words, " ")
	case OpSleep:
		if len(args) > 1 {
			return cmd, p.errorf(args[1].col, "sleep takes one duration, e.g. sleep 2s")
		}
		if len(args) == 0 {
			return cmd, p.errorf(end, "sleep needs a duration, e.g. sleep 2s")
		}
		d, err := time.ParseDuration(args[0].text)
		if err != nil || d < 0 {
			return cmd, p.errorf(args[0].col, "%q is not a duration; write e.g. 2s, 500ms or 1m30s", args[0].text)
		}
		cmd.Duration = d
	default:
		return cmd, p.errorf(head.col, "unknown command %q; the commands are %s", head.text, commandList())
	}
	return cmd, nil
}

func (p *lineParser) pathError(t token, err error) error {
	var pe *PathError
	if errors.As(err, &pe) {
		return p.errorf(t.col+pe.Offset, "%s", pe.Msg)
	}
	return p.errorf(t.col, "%v", err)
}

func phaseList() string {
	ids := make([]string, len(tracer.Phases))
	for i, ph := range tracer.Phases {
		ids[i] = string(ph.ID)
	}
	return strings.Join(ids, ", ")
}

func commandList() string {
	names := make([]string, len(commands))
	for i, op := range commands {
		names[i] = string(op)
	}
	return strings.Join(names, ", ")
}

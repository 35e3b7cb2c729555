package script

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// This file parses what a script says about the program's own code: the
// locations of `break LOC` and `clear LOC`, and the Go expressions of
// `watch EXPR`, `eval EXPR` and `expect eval(EXPR) OP VALUE`. An expression
// is Go, not script words: it is read from the line as written, with its
// own string and rune literals (a # inside them is not a comment), up to a
// comment or the end of the line, or for eval( to its closing parenthesis.

// fileLinePattern is a FILE:LINE location, e.g. internal/biz/greeter.go:42.
var fileLinePattern = regexp.MustCompile(`^.+:[0-9]+$`)

// functionPattern is a function location with its package, e.g.
// main.newApp, biz.(*GreeterUsecase).CreateGreeter or
// github.com/x/y/internal/biz.NewGreeterUsecase.
var functionPattern = regexp.MustCompile(`^[\pL\pN_./~-]*[\pL\pN_]\.[\pL\pN_.()*\[\]]+$`)

// classifyBreak tells a phase from a location in an argument of break or
// clear: a phase ID is a phase; FILE:LINE, or a function written with its
// package, is a location. A word close to a phase ID is taken for a
// misspelt phase, since a phase is what a script names most.
func (p *lineParser) classifyBreak(op Op, a token) (phase tracer.PhaseID, loc string, err error) {
	if !a.quoted {
		if _, ok := tracer.Info(tracer.PhaseID(a.text)); ok {
			return tracer.PhaseID(a.text), "", nil
		}
	}
	switch {
	case fileLinePattern.MatchString(a.text):
		return "", a.text, nil
	case a.quoted || functionPattern.MatchString(a.text):
		if near := nearPhase(a.text); near != "" && !a.quoted {
			return "", "", p.errorf(a.col, "unknown phase %q: did you mean %s? (a function to break in is written with its package, e.g. main.newApp)", a.text, near)
		}
		return "", a.text, nil
	}
	if near := nearPhase(a.text); near != "" {
		return "", "", p.errorf(a.col, "unknown phase %q: did you mean %s?", a.text, near)
	}
	return "", "", p.errorf(a.col, "unknown phase %q; the phases are %s; or give a location to %s: FILE:LINE or a function with its package, e.g. main.newApp", a.text, phaseList(), op)
}

// nearPhase is the phase ID at most two edits from s, or "".
func nearPhase(s string) string {
	best, bestDist := "", 3
	for _, ph := range tracer.Phases {
		if d := tracer.EditDistance(strings.ToLower(s), string(ph.ID)); d < bestDist {
			best, bestDist = string(ph.ID), d
		}
	}
	return best
}

// headWord returns the first word of a line and the index (in runes) just
// past it, or "" for a blank line or one that starts with a string.
func headWord(runes []rune) (string, int) {
	i := skipBlanks(runes, 0)
	j := i
	for j < len(runes) && runes[j] != ' ' && runes[j] != '\t' && runes[j] != '"' && runes[j] != '#' {
		j++
	}
	return string(runes[i:j]), j
}

// skipBlanks returns the index of the first rune from i on that is not a
// space or a tab, or len(runes).
func skipBlanks(runes []rune, i int) int {
	for i < len(runes) && (runes[i] == ' ' || runes[i] == '\t') {
		i++
	}
	return i
}

// exprLine parses `watch EXPR` or `eval EXPR`: the expression is the rest
// of the line after the command word at runes[:from], up to a comment.
func (p *lineParser) exprLine(op Op, runes []rune, from int) (Command, error) {
	cmd := Command{Op: op}
	end, err := p.scanExpr(runes, from, false)
	if err != nil {
		return cmd, err
	}
	expr := strings.TrimSpace(string(runes[from:end]))
	if expr == "" {
		return cmd, p.errorf(from+1, "%s needs a Go expression, e.g. %s len(a.opts.servers)", op, op)
	}
	if err := p.goSyntax(expr, runes, from); err != nil {
		return cmd, err
	}
	cmd.Expr = expr
	return cmd, nil
}

// goSyntax reports expr, found in runes from index from on after blanks,
// when it is not a Go expression as Delve parses it, at the column of the
// error: a typo is said before the script runs, not at its line.
func (p *lineParser) goSyntax(expr string, runes []rune, from int) error {
	pos, msg, ok := tracer.ExprSyntax(expr)
	if ok {
		return nil
	}
	from = skipBlanks(runes, from)
	col := from + 1
	if pos.IsValid() {
		off := min(max(pos.Offset, 0), len(expr))
		col += utf8.RuneCountInString(expr[:off])
	}
	return p.errorf(col, "%s is not a Go expression: %s", expr, msg)
}

// expectEval parses `expect eval(EXPR) OP VALUE`; open is the index of the
// parenthesis after eval.
func (p *lineParser) expectEval(runes []rune, open int) (Command, error) {
	cmd := Command{Op: OpExpect}
	end, err := p.scanExpr(runes, open+1, true)
	if err != nil {
		return cmd, err
	}
	expr := strings.TrimSpace(string(runes[open+1 : end]))
	if expr == "" {
		return cmd, p.errorf(open+2, "eval() needs a Go expression, e.g. expect eval(len(a.opts.servers)) == 2")
	}
	if err := p.goSyntax(expr, runes, open+1); err != nil {
		return cmd, err
	}
	// The rest is tokenized as script words, at their own columns.
	rest := strings.Repeat(" ", end+1) + string(runes[end+1:])
	toks, err := p.tokenize(rest)
	if err != nil {
		return cmd, err
	}
	after := end + 2 // the column just past the closing parenthesis
	switch {
	case len(toks) > 2:
		return cmd, p.errorf(toks[2].col, "expect takes eval(EXPR), an operator and one value; quote a value that holds spaces")
	case len(toks) < 2:
		col := after
		if len(toks) == 1 {
			col = toks[0].col + len([]rune(toks[0].text))
		}
		return cmd, p.errorf(col, "expect needs an operator and a value after eval(...), e.g. expect eval(len(a.opts.servers)) == 2")
	}
	if err := p.checkOperator(toks[0]); err != nil {
		return cmd, err
	}
	cmd.Expr, cmd.Cmp, cmd.Want = expr, toks[0].text, toks[1].text
	return cmd, nil
}

// checkOperator accepts expect's operators.
func (p *lineParser) checkOperator(t token) error {
	switch t.text {
	case "==", "!=", "contains", "!contains":
		if !t.quoted {
			return nil
		}
	}
	return p.errorf(t.col, "unknown operator %q; use ==, !=, contains or !contains", t.text)
}

// scanExpr reads a Go expression from runes[from:] and returns the index
// where it ends: at a # outside a literal or the end of the line, or, with
// inParens, at the parenthesis that closes the one before from.
func (p *lineParser) scanExpr(runes []rune, from int, inParens bool) (int, error) {
	depth := 0
	for i := from; i < len(runes); i++ {
		switch r := runes[i]; r {
		case '"', '\'', '`':
			j, ok := closeLiteral(runes, i)
			if !ok {
				what := map[rune]string{'"': "string", '\'': "rune", '`': "raw string"}[r]
				return 0, p.errorf(i+1, "the %s in the expression is not closed: a %c is missing", what, r)
			}
			i = j
		case '#':
			if !inParens {
				return i, nil
			}
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			if depth == 0 && inParens && r == ')' {
				return i, nil
			}
			depth--
		}
	}
	if inParens {
		return 0, p.errorf(from, "eval( is not closed: a ) is missing")
	}
	return len(runes), nil
}

// closeLiteral returns the index of the quote that closes the literal
// opened at runes[i].
func closeLiteral(runes []rune, i int) (int, bool) {
	q := runes[i]
	for j := i + 1; j < len(runes); j++ {
		switch {
		case runes[j] == '\\' && q != '`':
			j++
		case runes[j] == q:
			return j, true
		}
	}
	return 0, false
}

// exprCommand parses the lines whose arguments are Go expressions: watch,
// eval and expect eval(...). It reports false for any other line.
func (p *lineParser) exprCommand(line string) (Command, bool, error) {
	runes := []rune(line)
	head, end := headWord(runes)
	switch Op(head) {
	case OpWatch, OpEval:
		cmd, err := p.exprLine(Op(head), runes, end)
		return cmd, true, err
	case OpExpect:
		i := skipBlanks(runes, end)
		if strings.HasPrefix(string(runes[i:]), "eval(") {
			cmd, err := p.expectEval(runes, i+len("eval"))
			return cmd, true, err
		}
	}
	return Command{}, false, nil
}

// String returns how a script writes the value an expect checks.
func (c Command) subject() string {
	if c.Expr != "" {
		return fmt.Sprintf("eval(%s)", c.Expr)
	}
	return c.Paths[0].String()
}

package tracer

import (
	"errors"
	"go/parser"
	"go/scanner"
	"go/token"
	"strings"
)

// ExprSyntax says why expr is not a Go expression as Delve parses it (Delve
// hands every expression to go/parser): the position and message of the
// first error, with the end of the text called "its end". ok is true when
// expr parses. pos is not valid when the parser gave no position.
func ExprSyntax(expr string) (pos token.Position, msg string, ok bool) {
	_, err := parser.ParseExpr(expr)
	if err == nil {
		return token.Position{}, "", true
	}
	var list scanner.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		return list[0].Pos, strings.ReplaceAll(list[0].Msg, "'EOF'", "its end"), false
	}
	return token.Position{}, err.Error(), false
}

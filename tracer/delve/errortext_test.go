package delve

import (
	"reflect"
	"strings"
	"testing"

	"github.com/go-delve/delve/service/api"
)

// strField is a loaded string field as Delve returns it.
func strField(name, v string) api.Variable {
	return api.Variable{Name: name, Kind: reflect.String, Type: "string", Value: v, Len: int64(len(v))}
}

// errIface is an error interface holding a pointer to a struct of type
// typ with fields.
func errIface(name, typ string, fields ...api.Variable) api.Variable {
	return api.Variable{Name: name, Kind: reflect.Interface, Type: "error", Children: []api.Variable{{
		Kind: reflect.Ptr, Type: "*" + typ, Children: []api.Variable{{Kind: reflect.Struct, Type: typ, Addr: 0xc000010000, Children: fields}},
	}}}
}

// TestErrorFormatter: the error types Go programs wrap most are printed as
// their Error methods print them, from the fields Delve loads; a type only
// its method can print is marked partial, with the message it keeps.
func TestErrorFormatter(t *testing.T) {
	joined := api.Variable{Name: "errs", Kind: reflect.Slice, Type: "[]error", Children: []api.Variable{
		errIface("", "errors.errorString", strField("s", "first")),
		errIface("", "io/fs.PathError", strField("Op", "open"), strField("Path", "/etc/app.yaml"),
			api.Variable{Name: "Err", Kind: reflect.Interface, Type: "error", Children: []api.Variable{{Kind: reflect.Uintptr, Type: "syscall.Errno", Value: "2"}}}),
	}}
	kratosErr := errIface("err", "github.com/go-kratos/kratos/v2/errors.Error",
		api.Variable{Name: "Status", Kind: reflect.Struct, Type: "github.com/go-kratos/kratos/v2/errors.Status", Children: []api.Variable{
			{Name: "Code", Kind: reflect.Int32, Type: "int32", Value: "400"}, strField("Reason", "EMPTY_NAME"), strField("Message", "name is empty"),
			{Name: "Metadata", Kind: reflect.Map, Type: "map[string]string", Children: []api.Variable{strField("", "zone"), strField("", "b"), strField("", "app"), strField("", "a")}},
		}},
		api.Variable{Name: "cause", Kind: reflect.Interface, Type: "error"})
	tests := []struct {
		name  string
		v     api.Variable
		want  string
		whole bool
	}{
		{"errors.Join of a string and a PathError", errIface("err", "errors.joinError", joined), "first\nopen /etc/app.yaml: no such file or directory", true},
		{"a kratos error", kratosErr, "error: code = 400 reason = EMPTY_NAME message = name is empty metadata = map[app:a zone:b] cause = <nil>", true},
		{"fmt.Errorf", errIface("err", "fmt.wrapError", strField("msg", "load config: boom")), "load config: boom", true},
		{"a type of the program's own", errIface("err", "main.myError", strField("detail", "quota")), "quota (the text is partial: *main.myError is printed by its own Error method, which was not run)", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, whole := readErrorValue(nil, nil, &tt.v)
			if got != tt.want || whole != tt.whole {
				t.Errorf("text = %q, whole %v\nwant %q, whole %v", got, whole, tt.want, tt.whole)
			}
		})
	}
	// A program type whose method can be called is read through it.
	v := errIface("err", "main.myError", strField("detail", "quota"))
	v.Addr = 0xc000020000
	var asked string
	got, whole := readErrorValue(nil, func(expr string) (string, bool) { asked = expr; return "quota exceeded for tenant 7", true }, &v)
	if got != "quota exceeded for tenant 7" || !whole || !strings.Contains(asked, `(*(*"error")(0xc000020000))`) {
		t.Errorf("with calls: %q, whole %v, asked %q", got, whole, asked)
	}
}

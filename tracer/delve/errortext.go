package delve

import (
	"fmt"
	"net"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/go-delve/delve/service/api"
	"google.golang.org/grpc/codes"
)

// errorTextLoad loads one level of an error's chain: the wrapper's fields,
// the pointers they hold and the strings and small slices (an IP) in them.
// Each wrapped error is loaded again at its own address, so a chain of any
// depth is read whole.
var errorTextLoad = api.LoadConfig{FollowPointers: true, MaxVariableRecurse: 3, MaxStringLen: 4096, MaxArrayValues: 64, MaxStructFields: -1}

// errorChainLimit is how many wrapped errors are followed before the rest
// of a chain is left out (and the text marked partial).
const errorChainLimit = 16

// errorFormatter reads an error value as Go prints it: the well-known error
// types (errors.New, fmt.Errorf, errors.Join, *url.Error, *net.OpError,
// *os.PathError, *os.SyscallError, syscall.Errno, kratos and gRPC errors)
// are formatted as their Error methods do, from their fields, without
// running code in the program. An error of another type is asked through
// call, which runs its Error method in the program, when the stop allows
// calls; otherwise its text is partial.
type errorFormatter struct {
	// load reads the value at an expression; it reloads a wrapped error
	// the first load did not reach.
	load func(expr string) (*api.Variable, error)
	// call returns the text of the error interface at expr by running its
	// Error method, or false; nil when calls are not allowed here.
	call func(expr string) (string, bool)
	// partial names the first error whose text could not be read whole.
	partial string
	budget  int
}

// readErrorValue returns the text of the error held by the interface v,
// read at expr, and whether it is whole; when it is not, the text says so.
func readErrorValue(load func(string) (*api.Variable, error), call func(string) (string, bool), v *api.Variable) (string, bool) {
	r := &errorFormatter{load: load, call: call, budget: errorChainLimit}
	text := r.iface(v)
	if r.partial == "" {
		return text, true
	}
	return text + " (the text is partial: " + r.partial + ")", false
}

// iface formats the error interface v.
func (r *errorFormatter) iface(v *api.Variable) string {
	if v.Kind == reflect.Interface {
		if isNil(v) {
			return "<nil>"
		}
		if !loadedEnough(&v.Children[0]) {
			if again := r.reload(v); again != nil {
				v = again
			}
		}
		return r.concrete(v, &v.Children[0])
	}
	return r.concrete(nil, v)
}

// reload reads the interface v again at its own address.
func (r *errorFormatter) reload(v *api.Variable) *api.Variable {
	if r.load == nil || v.Addr == 0 || v.Flags&api.VariableFakeAddress != 0 || r.budget <= 0 {
		return nil
	}
	r.budget--
	again, err := r.load(fmt.Sprintf("*(*%q)(%#x)", v.Type, v.Addr))
	if err != nil || again.Kind != reflect.Interface || len(again.Children) == 0 {
		return nil
	}
	return again
}

// loadedEnough reports whether the concrete value c of an interface came
// with its fields.
func loadedEnough(c *api.Variable) bool {
	if c.Kind == reflect.Ptr {
		return len(c.Children) > 0 && (c.Children[0].Addr == 0 || len(c.Children[0].Children) > 0 || c.Children[0].Kind != reflect.Struct)
	}
	return c.Kind != reflect.Struct || len(c.Children) > 0
}

// concrete formats the error whose dynamic value is c; iv is the interface
// holding it (nil when c is not in one).
func (r *errorFormatter) concrete(iv, c *api.Variable) string {
	target := c
	if c.Kind == reflect.Ptr && len(c.Children) > 0 {
		target = &c.Children[0]
	}
	f := fieldsOf(target)
	child := func(name string) string {
		fv := f[name]
		if fv == nil {
			r.markPartial(c.Type + " without its " + name)
			return "…"
		}
		return r.iface(fv)
	}
	switch t := strings.TrimPrefix(c.Type, "*"); {
	case t == "errors.errorString":
		return f.str("s")
	case t == "fmt.wrapError" || t == "fmt.wrapErrors":
		return f.str("msg")
	case t == "errors.joinError":
		var parts []string
		if errs := f["errs"]; errs != nil {
			for i := range errs.Children {
				parts = append(parts, r.iface(&errs.Children[i]))
			}
		}
		return strings.Join(parts, "\n")
	case t == "net/url.Error":
		return fmt.Sprintf("%s %q: %s", f.str("Op"), f.str("URL"), child("Err"))
	case t == "io/fs.PathError":
		return f.str("Op") + " " + f.str("Path") + ": " + child("Err")
	case t == "os.SyscallError":
		return f.str("Syscall") + ": " + child("Err")
	case t == "net.OpError":
		return r.opError(f, child)
	case t == "net.DNSError":
		s := "lookup " + f.str("Name")
		if srv := f.str("Server"); srv != "" {
			s += " on " + srv
		}
		return s + ": " + f.str("Err")
	case t == "syscall.Errno":
		n, err := strconv.ParseUint(c.Value, 0, 64)
		if err != nil {
			break
		}
		return syscall.Errno(n).Error()
	case t == "context.deadlineExceededError":
		return "context deadline exceeded"
	case t == "internal/poll.errNetClosing":
		return "use of closed network connection"
	case strings.HasSuffix(t, "/kratos/v2/errors.Error"):
		return r.kratosError(f, child)
	case t == "google.golang.org/grpc/internal/status.Error":
		if text, ok := grpcStatusText(target); ok {
			return text
		}
	}
	if iv != nil && r.call != nil && iv.Addr != 0 && iv.Flags&api.VariableFakeAddress == 0 {
		if text, ok := r.call(fmt.Sprintf("(*(*%q)(%#x))", iv.Type, iv.Addr)); ok {
			return text
		}
	}
	// Of a type only its Error method can print: show the first message it
	// keeps, and say the text is not the whole of it.
	r.markPartial(shortType(c.Type) + " is printed by its own Error method, which was not run")
	if c.Kind == reflect.String && c.Value != "" {
		return c.Value
	}
	if s := firstString(c); s != "" {
		return s
	}
	return "<" + shortType(c.Type) + ">"
}

// opError formats a *net.OpError as its Error method does.
func (r *errorFormatter) opError(f fieldMap, child func(string) string) string {
	s := f.str("Op")
	if n := f.str("Net"); n != "" {
		s += " " + n
	}
	src, hasSrc := r.addrText(f["Source"])
	if hasSrc {
		s += " " + src
	}
	if addr, ok := r.addrText(f["Addr"]); ok {
		if hasSrc {
			s += "->"
		} else {
			s += " "
		}
		s += addr
	}
	return s + ": " + child("Err")
}

// addrText formats the net.Addr interface v as its String method does, for
// the address types of package net; false when v is nil.
func (r *errorFormatter) addrText(v *api.Variable) (string, bool) {
	if v == nil || isNil(v) {
		return "", false
	}
	if !loadedEnough(&v.Children[0]) {
		if again := r.reload(v); again != nil {
			v = again
		}
	}
	c := &v.Children[0]
	target := c
	if c.Kind == reflect.Ptr && len(c.Children) > 0 {
		target = &c.Children[0]
	}
	if text, ok := netAddrText(strings.TrimPrefix(c.Type, "*"), fieldsOf(target)); ok {
		return text, true
	}
	r.markPartial("a " + shortType(c.Type) + " address is printed by its own String method, which was not run")
	return "<" + shortType(c.Type) + ">", true
}

// netAddrText formats a *net.TCPAddr, *net.UDPAddr, *net.IPAddr or
// *net.UnixAddr from its fields as its String method does.
func netAddrText(typeName string, f fieldMap) (string, bool) {
	switch typeName {
	case "net.TCPAddr", "net.UDPAddr":
		ip := ipText(f["IP"], f.str("Zone"))
		return net.JoinHostPort(ip, f.str("Port")), true
	case "net.IPAddr":
		return ipText(f["IP"], f.str("Zone")), true
	case "net.UnixAddr":
		return f.str("Name"), true
	}
	return "", false
}

// ipText formats a net.IP's bytes with an optional zone; an empty IP is "".
func ipText(v *api.Variable, zone string) string {
	if v == nil || len(v.Children) == 0 {
		return ""
	}
	ip := make(net.IP, 0, len(v.Children))
	for _, b := range v.Children {
		n, err := strconv.ParseUint(b.Value, 0, 8)
		if err != nil {
			return "?"
		}
		ip = append(ip, byte(n))
	}
	s := ip.String()
	if zone != "" {
		s += "%" + zone
	}
	return s
}

// kratosError formats a kratos *errors.Error as its Error method does.
func (r *errorFormatter) kratosError(f fieldMap, child func(string) string) string {
	status := fieldsOf(f["Status"])
	var md []string
	if m := status["Metadata"]; m != nil {
		for i := 0; i+1 < len(m.Children); i += 2 {
			md = append(md, m.Children[i].Value+":"+m.Children[i+1].Value)
		}
	}
	sort.Strings(md)
	cause := "<nil>"
	if cv := f["cause"]; cv != nil && !isNil(cv) {
		cause = child("cause")
	}
	return fmt.Sprintf("error: code = %s reason = %s message = %s metadata = map[%s] cause = %s",
		status.str("Code"), status.str("Reason"), status.str("Message"), strings.Join(md, " "), cause)
}

// grpcStatusText formats a gRPC status error (*status.Error holding a
// *Status holding the proto) as its Error method does.
func grpcStatusText(e *api.Variable) (string, bool) {
	var proto fieldMap
	var find func(v *api.Variable, depth int)
	find = func(v *api.Variable, depth int) {
		if v == nil || depth > 4 || proto != nil {
			return
		}
		if v.Kind == reflect.Ptr && len(v.Children) > 0 {
			v = &v.Children[0]
		}
		f := fieldsOf(v)
		if f["Code"] != nil && f["Message"] != nil {
			proto = f
			return
		}
		find(f["s"], depth+1)
	}
	find(e, 0)
	if proto == nil {
		return "", false
	}
	code, err := strconv.ParseUint(proto.str("Code"), 0, 32)
	if err != nil {
		return "", false
	}
	return fmt.Sprintf("rpc error: code = %s desc = %s", codes.Code(code), proto.str("Message")), true
}

// markPartial records why the text is not whole; the first reason stands.
func (r *errorFormatter) markPartial(why string) {
	if r.partial == "" {
		r.partial = why
	}
}

// fieldMap is a struct's loaded fields by name.
type fieldMap map[string]*api.Variable

// fieldsOf indexes the fields of the struct v (nil for other values).
func fieldsOf(v *api.Variable) fieldMap {
	if v == nil {
		return nil
	}
	f := fieldMap{}
	for i := range v.Children {
		f[v.Children[i].Name] = &v.Children[i]
	}
	return f
}

// str is the value of a string or number field, "" when it is absent.
func (f fieldMap) str(name string) string {
	if v := f[name]; v != nil {
		return v.Value
	}
	return ""
}

// firstString is the first non-empty string field of v, looked for
// breadth first.
func firstString(v *api.Variable) string {
	queue := []*api.Variable{v}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for i := range cur.Children {
			ch := &cur.Children[i]
			if ch.Kind == reflect.String && ch.Value != "" {
				return ch.Value
			}
			queue = append(queue, ch)
		}
	}
	return ""
}

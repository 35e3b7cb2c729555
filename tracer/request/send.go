package request

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// Target is where the App's servers listen, as read from the program.
type Target struct {
	// HTTP and GRPC are host:port addresses; "" when the App has no such
	// server.
	HTTP string
	GRPC string
}

// TargetOf picks the address of the App's first HTTP and first gRPC server.
// A server bound to every interface (":8000", "0.0.0.0:8000") is reached on
// the loopback address; a server bound to port 0 is reached on the port its
// endpoint reports.
func TargetOf(servers []tracer.Server) Target {
	var t Target
	for _, s := range servers {
		addr := dialAddress(s)
		switch {
		case s.Kind == "http" && t.HTTP == "":
			t.HTTP = addr
		case s.Kind == "grpc" && t.GRPC == "":
			t.GRPC = addr
		}
	}
	return t
}

// dialAddress is where kratos-trace connects to reach s.
func dialAddress(s tracer.Server) string {
	host, port, err := net.SplitHostPort(s.Address)
	if err != nil {
		return s.Address
	}
	if port == "0" || port == "" {
		// The listener chose the port: the endpoint has it.
		if _, p, ok := endpointHostPort(s.Endpoint); ok {
			port = p
		}
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
		if ip != nil && ip.To4() == nil {
			host = "::1"
		}
	}
	return net.JoinHostPort(host, port)
}

// endpointHostPort reads host and port from an endpoint such as
// "http://127.0.0.1:8000?isSecure=false".
func endpointHostPort(endpoint string) (string, string, bool) {
	_, rest, ok := strings.Cut(endpoint, "://")
	if !ok {
		return "", "", false
	}
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		rest = rest[:i]
	}
	host, port, err := net.SplitHostPort(rest)
	return host, port, err == nil
}

// Do sends spec to the App at t and returns what came back. It waits as
// long as ctx allows: the program may sit paused at a stop for as long as
// the person at the debugger looks at it, so there is no timeout of its own.
// A failure to send at all is in Reply.Error.
func Do(ctx context.Context, spec tracer.RequestSpec, t Target) tracer.Reply {
	start := time.Now()
	var r tracer.Reply
	switch spec.Transport {
	case "grpc":
		r = doGRPC(ctx, spec, t.GRPC)
	default:
		r = doHTTP(ctx, spec, t.HTTP)
	}
	r.Latency = tracer.Duration(time.Since(start))
	return r
}

// maxBody bounds the reply body kept; the rest is counted, not kept.
const maxBody = 64 << 10

// doHTTP sends an HTTP request and reads the whole reply.
func doHTTP(ctx context.Context, spec tracer.RequestSpec, addr string) tracer.Reply {
	if addr == "" {
		return tracer.Reply{Error: "the App has no HTTP server"}
	}
	var body io.Reader
	if spec.Body != "" {
		body = strings.NewReader(spec.Body)
	}
	req, err := http.NewRequestWithContext(ctx, spec.Method, "http://"+addr+spec.Path, body)
	if err != nil {
		return tracer.Reply{Error: fmt.Sprintf("cannot build the request: %v", err)}
	}
	if spec.Body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, h := range spec.Header {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	// A transport of its own: no connection is kept for a later request,
	// which would leave a goroutine of the program waiting on it.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true, Proxy: nil}}
	res, err := client.Do(req)
	if err != nil {
		return tracer.Reply{Error: sendError("http://"+addr, err)}
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, maxBody+1))
	r := tracer.Reply{
		Code:   res.StatusCode,
		Status: res.Status,
		OK:     res.StatusCode >= 200 && res.StatusCode < 300,
		Header: headerLines(res.Header),
	}
	if len(data) > maxBody {
		data = append(data[:maxBody], "…"...)
	}
	r.Body = string(data)
	if err != nil {
		r.Error = fmt.Sprintf("the reply body was cut short: %v", err)
	}
	return r
}

// headerLines renders headers as sorted "Key: value" lines.
func headerLines(h map[string][]string) []string {
	var out []string
	for k, vs := range h {
		for _, v := range vs {
			out = append(out, k+": "+v)
		}
	}
	sort.Strings(out)
	return out
}

// cancelledText says why a request, or a question to the reflection
// service, got no answer when its context was cancelled.
const cancelledText = "the request was cancelled: the trace ended before the reply came"

// sendError says in one line why nothing came back from url.
func sendError(url string, err error) string {
	var op *net.OpError
	switch {
	case errors.As(err, &op) && op.Op == "dial":
		return fmt.Sprintf("nothing answers at %s: %v", url, op.Err)
	case errors.Is(err, context.Canceled):
		return cancelledText
	}
	return err.Error()
}

// doGRPC resolves the method through the server's reflection service,
// builds the request message from spec.Body and calls it.
func doGRPC(ctx context.Context, spec tracer.RequestSpec, addr string) tracer.Reply {
	if addr == "" {
		return tracer.Reply{Error: "the App has no gRPC server"}
	}
	conn, err := grpc.NewClient("passthrough:///"+addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return tracer.Reply{Error: fmt.Sprintf("cannot reach grpc://%s: %v", addr, err)}
	}
	defer conn.Close()
	md, err := Resolve(ctx, conn, spec.Path)
	if err != nil {
		return tracer.Reply{Error: err.Error()}
	}
	in := dynamicpb.NewMessage(md.Input())
	if err := (protojson.UnmarshalOptions{}).Unmarshal([]byte(spec.Body), in); err != nil {
		return tracer.Reply{Error: fmt.Sprintf("the message is not a valid %s: %v", md.Input().FullName(), err)}
	}
	out := dynamicpb.NewMessage(md.Output())
	if len(spec.Header) > 0 {
		pairs := make([]string, 0, 2*len(spec.Header))
		for _, h := range spec.Header {
			k, v, _ := strings.Cut(h, ":")
			pairs = append(pairs, strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(v))
		}
		ctx = metadata.AppendToOutgoingContext(ctx, pairs...)
	}
	var header, trailer metadata.MD
	err = conn.Invoke(ctx, "/"+spec.Path, in, out, grpc.Header(&header), grpc.Trailer(&trailer))
	r := tracer.Reply{Header: mdLines(header, trailer)}
	st, _ := status.FromError(err)
	r.Code = int(st.Code())
	r.Status = st.Code().String()
	r.OK = err == nil
	if err != nil {
		r.Message = st.Message()
		if errors.Is(ctx.Err(), context.Canceled) {
			r.Error = cancelledText
		}
		return r
	}
	b, merr := (protojson.MarshalOptions{UseProtoNames: true, EmitUnpopulated: true}).Marshal(out)
	if merr != nil {
		r.Error = fmt.Sprintf("cannot show the reply as JSON: %v", merr)
	}
	r.Body = compactJSON(b)
	return r
}

// compactJSON removes the random spacing protojson adds.
func compactJSON(b []byte) string {
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return string(b)
	}
	return buf.String()
}

// mdLines renders gRPC header and trailer metadata as sorted lines; the
// transport's own pseudo-headers are left out.
func mdLines(mds ...metadata.MD) []string {
	var out []string
	for _, md := range mds {
		for k, vs := range md {
			if k == "content-type" {
				continue
			}
			for _, v := range vs {
				if strings.HasSuffix(k, "-bin") {
					// Binary metadata, e.g. grpc-status-details-bin: a
					// serialized message, not text.
					v = fmt.Sprintf("(%d bytes)", len(v))
				}
				out = append(out, k+": "+v)
			}
		}
	}
	sort.Strings(out)
	return out
}

// StatusLine is the reply's status for a line of text: "200 OK",
// "InvalidArgument: name is empty", or the error.
func StatusLine(r *tracer.Reply) string {
	switch {
	case r == nil:
		return ""
	case r.Status == "" && r.Error != "":
		return r.Error
	case r.Message != "":
		return r.Status + ": " + r.Message
	case r.Status == "":
		return strconv.Itoa(r.Code)
	}
	return r.Status
}

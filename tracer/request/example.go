package request

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// exampleWord fills a string in an example: a path variable, a string
// field. The demo greets it back, so an example reply reads "Hello kratos".
const exampleWord = "kratos"

// pathVar matches a variable of a route template: {name}, {id:[0-9]+},
// {path=**}.
var pathVar = regexp.MustCompile(`\{[^{}]*\}`)

// HTTPExample is an example request for an HTTP route: its variables
// filled with a word, and an empty JSON object as the body of a method
// that takes one.
func HTTPExample(method, template string) tracer.RequestSpec {
	spec := tracer.RequestSpec{Transport: "http", Method: method, Path: pathVar.ReplaceAllString(template, exampleWord)}
	switch method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
		spec.Body = "{}"
	}
	return spec
}

// GRPCExample is an example request for a gRPC method: its request message
// with every field set to an example value, as JSON with the proto's field
// names.
func GRPCExample(md protoreflect.MethodDescriptor) tracer.RequestSpec {
	msg := dynamicpb.NewMessage(md.Input())
	fillExample(msg, 0)
	b, err := (protojson.MarshalOptions{UseProtoNames: true}).Marshal(msg)
	body := "{}"
	if err == nil {
		body = compactJSON(b)
	}
	return tracer.RequestSpec{Transport: "grpc", Path: string(md.Parent().FullName()) + "/" + string(md.Name()), Body: body}
}

// fillExample sets every field of m to an example value, nested messages
// to a depth of three (deeper ones, and recursive ones, stay empty).
func fillExample(m protoreflect.Message, depth int) {
	fields := m.Descriptor().Fields()
	for i := 0; i < fields.Len(); i++ {
		f := fields.Get(i)
		if f.ContainingOneof() != nil && m.WhichOneof(f.ContainingOneof()) != nil {
			continue
		}
		switch {
		case f.IsMap():
			continue
		case f.IsList():
			if v, ok := exampleScalar(f); ok {
				m.Mutable(f).List().Append(v)
			}
		case f.Kind() == protoreflect.MessageKind || f.Kind() == protoreflect.GroupKind:
			if depth < 3 && !wellKnown(f.Message()) {
				fillExample(m.Mutable(f).Message(), depth+1)
			}
		default:
			if v, ok := exampleScalar(f); ok {
				m.Set(f, v)
			}
		}
	}
}

// wellKnown reports whether md is one of protobuf's well-known types, whose
// JSON forms (a duration string, a timestamp) an empty value shows best.
func wellKnown(md protoreflect.MessageDescriptor) bool {
	return strings.HasPrefix(string(md.FullName()), "google.protobuf.")
}

// exampleScalar is an example value for a scalar or enum field.
func exampleScalar(f protoreflect.FieldDescriptor) (protoreflect.Value, bool) {
	switch f.Kind() {
	case protoreflect.StringKind:
		return protoreflect.ValueOfString(exampleWord), true
	case protoreflect.BoolKind:
		return protoreflect.ValueOfBool(true), true
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		return protoreflect.ValueOfInt32(1), true
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		return protoreflect.ValueOfInt64(1), true
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		return protoreflect.ValueOfUint32(1), true
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return protoreflect.ValueOfUint64(1), true
	case protoreflect.FloatKind:
		return protoreflect.ValueOfFloat32(1), true
	case protoreflect.DoubleKind:
		return protoreflect.ValueOfFloat64(1), true
	case protoreflect.EnumKind:
		if vals := f.Enum().Values(); vals.Len() > 1 {
			return protoreflect.ValueOfEnum(vals.Get(1).Number()), true
		}
	}
	return protoreflect.Value{}, false
}

// GRPCExamples asks the gRPC server at addr, through its reflection
// service, for the message of each method ("package.Service/Method") and
// returns an example request for each. A method it cannot describe gets
// an empty message and a note saying why.
func GRPCExamples(ctx context.Context, addr string, methods []string) ([]tracer.RequestSpec, []string) {
	specs := make([]tracer.RequestSpec, len(methods))
	notes := make([]string, len(methods))
	for i, m := range methods {
		specs[i] = tracer.RequestSpec{Transport: "grpc", Path: m, Body: "{}"}
	}
	conn, err := grpc.NewClient("passthrough:///"+addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		for i := range notes {
			notes[i] = fmt.Sprintf("cannot reach grpc://%s: %v", addr, err)
		}
		return specs, notes
	}
	defer conn.Close()
	return fillGRPCExamples(ctx, conn, specs, notes)
}

// fillGRPCExamples fills specs from the reflection service on conn.
func fillGRPCExamples(ctx context.Context, conn grpc.ClientConnInterface, specs []tracer.RequestSpec, notes []string) ([]tracer.RequestSpec, []string) {
	for i, spec := range specs {
		md, err := Resolve(ctx, conn, spec.Path)
		if err != nil {
			notes[i] = err.Error()
			if err == ErrNoReflection {
				// Every other method would say the same.
				for j := i + 1; j < len(notes); j++ {
					notes[j] = err.Error()
				}
				break
			}
			continue
		}
		specs[i] = GRPCExample(md)
	}
	return specs, notes
}

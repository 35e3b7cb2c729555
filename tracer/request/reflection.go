package request

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	rpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	rpbalpha "google.golang.org/grpc/reflection/grpc_reflection_v1alpha"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
)

// ErrNoReflection says the gRPC server does not offer reflection, so a
// message cannot be built from JSON.
var ErrNoReflection = errors.New("the gRPC server has reflection off (kratos grpc.DisableReflection), so kratos-trace cannot learn the method's message types to build the request from JSON")

// Resolve finds the descriptor of method ("package.Service/Method")
// through the server's reflection service: the v1 service, or the v1alpha
// one that servers before grpc-go 1.57 offer.
func Resolve(ctx context.Context, conn grpc.ClientConnInterface, method string) (protoreflect.MethodDescriptor, error) {
	svc, name, ok := strings.Cut(strings.TrimPrefix(method, "/"), "/")
	if !ok {
		return nil, fmt.Errorf("%q is not a gRPC method: name it as package.Service/Method", method)
	}
	files, err := filesFor(ctx, conn, svc)
	if err != nil {
		return nil, err
	}
	d, err := files.FindDescriptorByName(protoreflect.FullName(svc))
	if err != nil {
		return nil, fmt.Errorf("the gRPC server does not serve %s", svc)
	}
	sd, ok := d.(protoreflect.ServiceDescriptor)
	if !ok {
		return nil, fmt.Errorf("%s is not a gRPC service", svc)
	}
	md := sd.Methods().ByName(protoreflect.Name(name))
	if md == nil {
		var names []string
		for i := 0; i < sd.Methods().Len(); i++ {
			names = append(names, string(sd.Methods().Get(i).Name()))
		}
		return nil, fmt.Errorf("%s has no method %s; it has %s", svc, name, strings.Join(names, ", "))
	}
	if md.IsStreamingClient() || md.IsStreamingServer() {
		return nil, fmt.Errorf("%s is a streaming method; kratos-trace sends unary requests only", method)
	}
	return md, nil
}

// filesFor asks the server for the file that defines symbol and every file
// it imports, and builds a registry of them.
func filesFor(ctx context.Context, conn grpc.ClientConnInterface, symbol string) (*protoregistry.Files, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ask, err := reflectionStream(ctx, conn)
	if err != nil {
		return nil, err
	}
	defer ask.close()
	protos := map[string]*descriptorpb.FileDescriptorProto{}
	add := func(raw [][]byte) error {
		for _, b := range raw {
			fd := &descriptorpb.FileDescriptorProto{}
			if err := proto.Unmarshal(b, fd); err != nil {
				return fmt.Errorf("read a descriptor from the reflection service: %w", err)
			}
			protos[fd.GetName()] = fd
		}
		return nil
	}
	raw, err := ask.symbol(symbol)
	if err != nil {
		return nil, err
	}
	if err := add(raw); err != nil {
		return nil, err
	}
	// The server sends the imports it has not sent on this stream yet;
	// ask for any still missing, and take the well-known ones from here.
	for round := 0; round < 64; round++ {
		missing := ""
		for _, fd := range protos {
			for _, dep := range fd.GetDependency() {
				if _, ok := protos[dep]; ok {
					continue
				}
				if d, err := protoregistry.GlobalFiles.FindFileByPath(dep); err == nil {
					protos[dep] = protodesc.ToFileDescriptorProto(d)
					continue
				}
				missing = dep
			}
		}
		if missing == "" {
			break
		}
		raw, err := ask.file(missing)
		if err != nil {
			return nil, err
		}
		if err := add(raw); err != nil {
			return nil, err
		}
		if _, ok := protos[missing]; !ok {
			return nil, fmt.Errorf("the reflection service does not know %s", missing)
		}
	}
	set := &descriptorpb.FileDescriptorSet{}
	for _, fd := range protos {
		set.File = append(set.File, fd)
	}
	files, err := protodesc.NewFiles(set)
	if err != nil {
		return nil, fmt.Errorf("the descriptors from the reflection service do not fit together: %w", err)
	}
	return files, nil
}

// asker asks one reflection stream for files, by symbol or by name.
type asker struct {
	symbol func(string) ([][]byte, error)
	file   func(string) ([][]byte, error)
	close  func()
}

// reflectionStream opens a reflection stream, v1 first.
func reflectionStream(ctx context.Context, conn grpc.ClientConnInterface) (*asker, error) {
	v1, err := rpb.NewServerReflectionClient(conn).ServerReflectionInfo(ctx)
	if err != nil {
		return nil, reflectionError(err, nil)
	}
	roundTrip := func(req *rpb.ServerReflectionRequest) ([][]byte, error) {
		if err := v1.Send(req); err != nil {
			return nil, reflectionError(err, v1.RecvMsg)
		}
		res, err := v1.Recv()
		if err != nil {
			return nil, reflectionError(err, nil)
		}
		if e := res.GetErrorResponse(); e != nil {
			return nil, fmt.Errorf("the gRPC server's reflection does not know %s: %s", what(req), e.GetErrorMessage())
		}
		return res.GetFileDescriptorResponse().GetFileDescriptorProto(), nil
	}
	return &asker{
		symbol: func(s string) ([][]byte, error) {
			raw, err := roundTrip(&rpb.ServerReflectionRequest{MessageRequest: &rpb.ServerReflectionRequest_FileContainingSymbol{FileContainingSymbol: s}})
			if errors.Is(err, ErrNoReflection) {
				return alphaSymbol(ctx, conn, s)
			}
			return raw, err
		},
		file: func(name string) ([][]byte, error) {
			return roundTrip(&rpb.ServerReflectionRequest{MessageRequest: &rpb.ServerReflectionRequest_FileByFilename{FileByFilename: name}})
		},
		close: func() { _ = v1.CloseSend() },
	}, nil
}

// alphaSymbol asks the v1alpha reflection service, for servers that offer
// only that one.
func alphaSymbol(ctx context.Context, conn grpc.ClientConnInterface, symbol string) ([][]byte, error) {
	st, err := rpbalpha.NewServerReflectionClient(conn).ServerReflectionInfo(ctx)
	if err != nil {
		return nil, reflectionError(err, nil)
	}
	defer func() { _ = st.CloseSend() }()
	if err := st.Send(&rpbalpha.ServerReflectionRequest{MessageRequest: &rpbalpha.ServerReflectionRequest_FileContainingSymbol{FileContainingSymbol: symbol}}); err != nil {
		return nil, reflectionError(err, st.RecvMsg)
	}
	res, err := st.Recv()
	if err != nil {
		return nil, reflectionError(err, nil)
	}
	if e := res.GetErrorResponse(); e != nil {
		return nil, fmt.Errorf("the gRPC server does not know %s: %s", symbol, e.GetErrorMessage())
	}
	return res.GetFileDescriptorResponse().GetFileDescriptorProto(), nil
}

// reflectionError turns a failed reflection call into ErrNoReflection
// when the server has no reflection service, and into a sentence naming
// the server otherwise. recv, when given, reads the stream's real status
// after a failed send (a send reports only io.EOF).
func reflectionError(err error, recv func(any) error) error {
	if errors.Is(err, io.EOF) && recv != nil {
		if rerr := recv(new(rpb.ServerReflectionResponse)); rerr != nil {
			err = rerr
		}
	}
	switch status.Code(err) {
	case codes.Unimplemented:
		return ErrNoReflection
	case codes.Unavailable:
		return fmt.Errorf("nothing answers at the gRPC server: %s", status.Convert(err).Message())
	case codes.Canceled:
		return errors.New(cancelledText)
	}
	return fmt.Errorf("the gRPC reflection service failed: %w", err)
}

// what names what a reflection request asks for.
func what(req *rpb.ServerReflectionRequest) string {
	if s := req.GetFileContainingSymbol(); s != "" {
		return s
	}
	return req.GetFileByFilename()
}

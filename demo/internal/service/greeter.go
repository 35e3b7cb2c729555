package service

import (
	"context"
	"errors"

	kerrors "github.com/go-kratos/kratos/v2/errors"

	v1 "github.com/kratos-trace/kratos-trace/demo/api/helloworld/v1"
	"github.com/kratos-trace/kratos-trace/demo/internal/biz"
)

// GreeterService serves helloworld.v1.Greeter over gRPC and HTTP.
type GreeterService struct {
	v1.UnimplementedGreeterServer

	uc *biz.GreeterUsecase
}

// NewGreeterService returns a GreeterService backed by uc.
func NewGreeterService(uc *biz.GreeterUsecase) *GreeterService {
	return &GreeterService{uc: uc}
}

// SayHello records a greeting for in.Name and replies "Hello <name>".
func (s *GreeterService) SayHello(ctx context.Context, in *v1.HelloRequest) (*v1.HelloReply, error) {
	g, err := s.uc.CreateGreeter(ctx, &biz.Greeter{Hello: in.GetName()})
	if errors.Is(err, biz.ErrEmptyName) {
		// A kratos error carries its status to both transports: 400 on
		// HTTP, InvalidArgument on gRPC.
		return nil, kerrors.BadRequest("EMPTY_NAME", err.Error())
	}
	if err != nil {
		return nil, err
	}
	return &v1.HelloReply{Message: "Hello " + g.Hello}, nil
}

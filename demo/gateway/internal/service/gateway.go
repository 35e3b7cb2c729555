package service

import (
	"context"

	v1 "github.com/kratos-trace/kratos-trace/demo/api/helloworld/v1"
	"github.com/kratos-trace/kratos-trace/demo/gateway/internal/biz"
)

// GatewayService serves GET /gateway/{name}.
type GatewayService struct {
	uc *biz.HelloUsecase
}

// NewGatewayService returns a GatewayService backed by uc.
func NewGatewayService(uc *biz.HelloUsecase) *GatewayService {
	return &GatewayService{uc: uc}
}

// Hello replies with the greeter's greeting for in.Name.
func (s *GatewayService) Hello(ctx context.Context, in *v1.HelloRequest) (*v1.HelloReply, error) {
	msg, err := s.uc.Hello(ctx, in.GetName())
	if err != nil {
		return nil, err
	}
	return &v1.HelloReply{Message: msg}, nil
}

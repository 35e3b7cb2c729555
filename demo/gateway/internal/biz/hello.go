package biz

import (
	"context"
	"fmt"
	"strings"

	"github.com/go-kratos/kratos/v2/log"
)

// GreeterRepo is what the use case needs from the greeter.
type GreeterRepo interface {
	// Greet asks the greeter to greet name and returns its message.
	Greet(ctx context.Context, name string) (string, error)
}

// HelloUsecase passes a greeting on from the greeter.
type HelloUsecase struct {
	repo GreeterRepo
	log  *log.Helper
}

// NewHelloUsecase returns a HelloUsecase on repo.
func NewHelloUsecase(repo GreeterRepo, logger log.Logger) *HelloUsecase {
	return &HelloUsecase{repo: repo, log: log.NewHelper(logger)}
}

// Hello returns the greeter's message for name, marked as passed on by the
// gateway.
func (uc *HelloUsecase) Hello(ctx context.Context, name string) (string, error) {
	msg, err := uc.repo.Greet(ctx, strings.TrimSpace(name))
	if err != nil {
		return "", fmt.Errorf("ask the greeter: %w", err)
	}
	uc.log.WithContext(ctx).Infof("the greeter said %q", msg)
	return msg + " (via the gateway)", nil
}

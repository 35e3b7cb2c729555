package biz

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-kratos/kratos/v2/log"
)

// ErrEmptyName is returned when asked to greet nobody; the transports turn
// it into a client error rather than a stored greeting for "".
var ErrEmptyName = errors.New("name is empty")

// Greeter is one greeting: whom it was for and when it happened.
type Greeter struct {
	// ID is assigned by the repository when the greeting is saved.
	ID int64
	// Hello is the name that was greeted.
	Hello string
	// GreetedAt is when the greeting was saved.
	GreetedAt time.Time
}

// GreeterRepo is what the use case needs from storage.
type GreeterRepo interface {
	// Save records g and returns it with ID and GreetedAt filled in.
	Save(ctx context.Context, g *Greeter) (*Greeter, error)
	// CountByHello reports how many greetings name has received.
	CountByHello(ctx context.Context, name string) (int64, error)
}

// GreeterUsecase greets people and keeps a record of it.
type GreeterUsecase struct {
	repo GreeterRepo
	log  *log.Helper
}

// NewGreeterUsecase returns a GreeterUsecase that stores through repo.
func NewGreeterUsecase(repo GreeterRepo, logger log.Logger) *GreeterUsecase {
	return &GreeterUsecase{repo: repo, log: log.NewHelper(logger)}
}

// CreateGreeter saves a greeting for g.Hello and returns the saved record.
func (uc *GreeterUsecase) CreateGreeter(ctx context.Context, g *Greeter) (*Greeter, error) {
	if g.Hello == "" {
		return nil, ErrEmptyName
	}
	saved, err := uc.repo.Save(ctx, g)
	if err != nil {
		return nil, fmt.Errorf("save greeting for %q: %w", g.Hello, err)
	}
	count, err := uc.repo.CountByHello(ctx, g.Hello)
	if err != nil {
		return nil, fmt.Errorf("count greetings for %q: %w", g.Hello, err)
	}
	uc.log.WithContext(ctx).Infof("greeted %s (greeting #%d for this name)", g.Hello, count)
	return saved, nil
}

package service

import (
	"context"
	"errors"
	"testing"

	kerrors "github.com/go-kratos/kratos/v2/errors"
	"github.com/go-kratos/kratos/v2/log"

	v1 "github.com/kratos-trace/kratos-trace/demo/api/helloworld/v1"
	"github.com/kratos-trace/kratos-trace/demo/internal/biz"
)

// memoryRepo is a biz.GreeterRepo kept in a slice, or failing with err.
type memoryRepo struct {
	saved []string
	err   error
}

func (r *memoryRepo) Save(_ context.Context, g *biz.Greeter) (*biz.Greeter, error) {
	if r.err != nil {
		return nil, r.err
	}
	r.saved = append(r.saved, g.Hello)
	return &biz.Greeter{ID: int64(len(r.saved)), Hello: g.Hello}, nil
}

func (r *memoryRepo) CountByHello(_ context.Context, name string) (int64, error) {
	var n int64
	for _, s := range r.saved {
		if s == name {
			n++
		}
	}
	return n, nil
}

func TestSayHello(t *testing.T) {
	storageDown := errors.New("disk on fire")
	tests := []struct {
		name     string
		repoErr  error
		in       string
		want     string
		wantCode int // kratos error code; 0 for success
		wantErr  error
	}{
		{name: "greets", in: "kratos", want: "Hello kratos"},
		{name: "empty name is a bad request", in: "", wantCode: 400},
		{name: "storage error is passed on", in: "kratos", repoErr: storageDown, wantErr: storageDown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repo := &memoryRepo{err: tt.repoErr}
			s := NewGreeterService(biz.NewGreeterUsecase(repo, log.DefaultLogger))
			reply, err := s.SayHello(context.Background(), &v1.HelloRequest{Name: tt.in})
			switch {
			case tt.wantCode != 0:
				if got := kerrors.FromError(err).GetCode(); got != int32(tt.wantCode) {
					t.Fatalf("error %v has code %d, want %d", err, got, tt.wantCode)
				}
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("error %v, want one wrapping %v", err, tt.wantErr)
				}
			case err != nil:
				t.Fatalf("SayHello: %v", err)
			case reply.GetMessage() != tt.want:
				t.Errorf("message %q, want %q", reply.GetMessage(), tt.want)
			}
			if tt.wantCode == 0 && tt.wantErr == nil && len(repo.saved) != 1 {
				t.Errorf("saved %v, want one greeting", repo.saved)
			}
		})
	}
}

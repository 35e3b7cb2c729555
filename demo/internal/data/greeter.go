package data

import (
	"context"
	"fmt"
	"time"

	"github.com/go-kratos/kratos/v2/log"

	"github.com/kratos-trace/kratos-trace/demo/internal/biz"
)

// greeterRepo stores greetings in the greeter table.
type greeterRepo struct {
	data *Data
	log  *log.Helper
}

// NewGreeterRepo returns the SQLite implementation of biz.GreeterRepo.
func NewGreeterRepo(data *Data, logger log.Logger) biz.GreeterRepo {
	return &greeterRepo{data: data, log: log.NewHelper(logger)}
}

// Save inserts a row for g and returns it with the assigned ID and time.
func (r *greeterRepo) Save(ctx context.Context, g *biz.Greeter) (*biz.Greeter, error) {
	saved := &biz.Greeter{Hello: g.Hello, GreetedAt: time.Now().UTC()}
	err := r.data.db.QueryRowContext(ctx,
		`INSERT INTO greeter (name, greeted_at) VALUES (?, ?) RETURNING id`,
		saved.Hello, saved.GreetedAt,
	).Scan(&saved.ID)
	if err != nil {
		return nil, fmt.Errorf("insert greeter row: %w", err)
	}
	return saved, nil
}

// CountByHello counts the rows greeting name.
func (r *greeterRepo) CountByHello(ctx context.Context, name string) (int64, error) {
	var n int64
	err := r.data.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM greeter WHERE name = ?`, name).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count greeter rows: %w", err)
	}
	return n, nil
}

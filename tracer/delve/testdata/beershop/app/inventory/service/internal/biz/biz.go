// Package biz is the inventory's use cases.
package biz

import (
	"context"
	"fmt"
)

// StockRepo is where the stock is kept.
type StockRepo interface {
	Count(ctx context.Context, name string) (int64, error)
}

// StockUsecase answers questions about the stock.
type StockUsecase struct {
	repo StockRepo
}

// NewStockUsecase returns the use case over repo.
func NewStockUsecase(repo StockRepo) *StockUsecase {
	return &StockUsecase{repo: repo}
}

// Stock returns how many of name are in stock.
func (uc *StockUsecase) Stock(ctx context.Context, name string) (int64, error) {
	if name == "" {
		return 0, fmt.Errorf("no beer named")
	}
	return uc.repo.Count(ctx, name)
}

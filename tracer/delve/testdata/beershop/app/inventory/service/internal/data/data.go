// Package data is the inventory's data layer: the stock, kept in memory.
package data

import (
	"context"

	"example.com/beershop/app/inventory/service/internal/biz"
)

type stockRepo struct {
	stock map[string]int64
}

// NewStockRepo returns the repo of the stock, with a few beers in it.
func NewStockRepo() biz.StockRepo {
	return &stockRepo{stock: map[string]int64{"ipa": 42, "stout": 7}}
}

// Count returns how many of name are in stock.
func (r *stockRepo) Count(_ context.Context, name string) (int64, error) {
	return r.stock[name], nil
}

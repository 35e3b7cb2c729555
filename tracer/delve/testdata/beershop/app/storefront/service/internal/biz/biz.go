// Package biz is the storefront's use cases.
package biz

import "context"

// InventoryRepo is where the storefront learns the stock.
type InventoryRepo interface {
	Stock(ctx context.Context, name string) (int64, error)
	StockOverHTTP(ctx context.Context, name string) (int64, error)
}

// ShopUsecase answers the shop's questions.
type ShopUsecase struct {
	repo InventoryRepo
}

// NewShopUsecase returns the use case over repo.
func NewShopUsecase(repo InventoryRepo) *ShopUsecase {
	return &ShopUsecase{repo: repo}
}

// InStock returns how many of name the shop can sell.
func (uc *ShopUsecase) InStock(ctx context.Context, name string) (int64, error) {
	return uc.repo.Stock(ctx, name)
}

// InStockOverHTTP is InStock, asking the inventory over HTTP.
func (uc *ShopUsecase) InStockOverHTTP(ctx context.Context, name string) (int64, error) {
	return uc.repo.StockOverHTTP(ctx, name)
}

// Package service is the storefront's HTTP API.
package service

import (
	"context"

	"example.com/beershop/app/storefront/service/internal/biz"
)

// StockReply is the answer to GET /stock/{name}.
type StockReply struct {
	Name  string `json:"name"`
	Count int64  `json:"count"`
}

// StorefrontService serves the shop's routes.
type StorefrontService struct {
	uc *biz.ShopUsecase
}

// NewStorefrontService returns the service over uc.
func NewStorefrontService(uc *biz.ShopUsecase) *StorefrontService {
	return &StorefrontService{uc: uc}
}

// Stock answers how many of a beer the shop has.
func (s *StorefrontService) Stock(ctx context.Context, name string) (*StockReply, error) {
	n, err := s.uc.InStock(ctx, name)
	if err != nil {
		return nil, err
	}
	return &StockReply{Name: name, Count: n}, nil
}

// StockOverHTTP is Stock, the inventory asked over HTTP.
func (s *StorefrontService) StockOverHTTP(ctx context.Context, name string) (*StockReply, error) {
	n, err := s.uc.InStockOverHTTP(ctx, name)
	if err != nil {
		return nil, err
	}
	return &StockReply{Name: name, Count: n}, nil
}

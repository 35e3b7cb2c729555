// Package service implements the inventory's gRPC API.
package service

import (
	"context"

	"google.golang.org/protobuf/types/known/wrapperspb"

	"example.com/beershop/app/inventory/service/internal/biz"
)

// InventoryService serves inventory.v1.Inventory.
type InventoryService struct {
	uc *biz.StockUsecase
}

// NewInventoryService returns the service over uc.
func NewInventoryService(uc *biz.StockUsecase) *InventoryService {
	return &InventoryService{uc: uc}
}

// GetStock answers how many of a beer are in stock.
func (s *InventoryService) GetStock(ctx context.Context, in *wrapperspb.StringValue) (*wrapperspb.Int64Value, error) {
	n, err := s.uc.Stock(ctx, in.GetValue())
	if err != nil {
		return nil, err
	}
	return wrapperspb.Int64(n), nil
}

"""Stock and sales API, for clerks (session) and the shop's kiosks or POS (Api-Key)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mall.errors import NotFound
from mall.permissions import shop_for_request, validated
from stock.models import StockItem
from stock.services import (
    StockInput,
    sale_record,
    stock_item_create,
    stock_item_delete,
    stock_item_update,
)


class StockItemSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    keywords = serializers.ListField(
        child=serializers.CharField(max_length=100), max_length=20, default=list
    )
    quantity = serializers.IntegerField(min_value=0, max_value=1_000_000)
    price = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=Decimal("0"), coerce_to_string=True
    )
    barcode = serializers.CharField(max_length=64, allow_blank=True, default="")
    valid_days = serializers.IntegerField(min_value=1, max_value=365, required=False)


def stock_item_payload(item: StockItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "name": item.name,
        "keywords": item.keywords,
        "quantity": item.quantity,
        "price": f"{item.price:.2f}",
        "barcode": item.barcode,
        "registered_at": item.registered_at,
        "expires_at": item.expires_at,
    }


class StockListApi(APIView):
    """The shop's stock (GET, with ``?q=`` on name or barcode) and new items (POST)."""

    @extend_schema(operation_id="shops_stock_list")
    def get(self, request: Request, slug: str) -> Response:
        shop = shop_for_request(request, slug)
        items = StockItem.objects.filter(shop=shop)
        query = request.query_params.get("q", "").strip()[:100]
        if query:
            items = items.filter(name__icontains=query) | items.filter(barcode=query)
        return Response([stock_item_payload(item) for item in items[:500]])

    @extend_schema(request=StockItemSerializer)
    def post(self, request: Request, slug: str) -> Response:
        shop = shop_for_request(request, slug)
        data = validated(StockItemSerializer, request.data)
        item = stock_item_create(
            shop=shop,
            data=StockInput(
                name=data["name"],
                keywords=[k.strip() for k in data["keywords"] if k.strip()],
                quantity=data["quantity"],
                price=data["price"],
                barcode=data["barcode"],
                valid_days=data.get("valid_days"),
            ),
        )
        return Response(stock_item_payload(item), status=status.HTTP_201_CREATED)


class StockDetailApi(APIView):
    """Change or delete one item of the shop."""

    def _item(self, request: Request, slug: str, item_id: int) -> StockItem:
        shop = shop_for_request(request, slug)
        item = StockItem.objects.filter(pk=item_id, shop=shop).first()
        if item is None:
            raise NotFound(f"No item {item_id} in {shop.name}.", code="unknown_item")
        return item

    def get(self, request: Request, slug: str, item_id: int) -> Response:
        return Response(stock_item_payload(self._item(request, slug, item_id)))

    @extend_schema(request=StockItemSerializer)
    def patch(self, request: Request, slug: str, item_id: int) -> Response:
        item = self._item(request, slug, item_id)
        serializer = StockItemSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        if "keywords" in changes:
            changes["keywords"] = [k.strip() for k in changes["keywords"] if k.strip()]
        item = stock_item_update(item=item, changes=changes)
        return Response(stock_item_payload(item))

    def delete(self, request: Request, slug: str, item_id: int) -> Response:
        stock_item_delete(item=self._item(request, slug, item_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class SaleCreateApi(APIView):
    """Record a sale; with a shopper's code, the wants it fulfils are deleted."""

    class InputSerializer(serializers.Serializer):
        item = serializers.IntegerField(min_value=1)
        quantity = serializers.IntegerField(min_value=1, max_value=10_000, default=1)
        customer = serializers.CharField(max_length=20, required=False, allow_blank=True)

    @extend_schema(request=InputSerializer)
    def post(self, request: Request, slug: str) -> Response:
        shop = shop_for_request(request, slug)
        data = validated(self.InputSerializer, request.data)
        sale = sale_record(
            shop=shop,
            item_id=data["item"],
            quantity=data["quantity"],
            customer_code=data.get("customer") or None,
        )
        return Response(
            {
                "id": sale.pk,
                "item": sale.item_id,
                "quantity": sale.quantity,
                "unit_price": f"{sale.unit_price:.2f}",
                "remaining": sale.item.quantity if sale.item else 0,
                "wants_fulfilled": sale.wants_fulfilled,
                "sold_at": sale.sold_at,
            },
            status=status.HTTP_201_CREATED,
        )

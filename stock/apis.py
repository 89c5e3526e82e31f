"""Stock and sales API, for clerks (session) and the shop's kiosks or POS (Api-Key)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import Conflict, NotFound
from core.fields import PriceField, TextField, WholeNumberField
from core.parsers import validated
from core.schema import OBJECT_LIST
from kiosks.authentication import request_clerk, request_kiosk, shop_for_clerk, shop_for_request
from stock.models import StockItem
from stock.payloads import alternative_payload, hold_payload
from stock.selectors import holds_live, shop_hold, shop_item, shop_items, shop_items_by_barcode
from stock.services import StockInput
from workflows.holds import alternative_create, hold_cancel, hold_create
from workflows.looks import card_take_look, sale_to_code, shopper_for_shop
from workflows.restock import (
    stock_item_create,
    stock_item_delete,
    stock_item_put_by_barcode,
    stock_item_update,
)


class StockItemSerializer(serializers.Serializer):
    name = TextField(max_length=200)
    keywords = serializers.ListField(child=TextField(max_length=100), max_length=20, default=list)
    quantity = WholeNumberField(min_value=0, max_value=1_000_000)
    price = PriceField(
        max_digits=10, decimal_places=2, min_value=Decimal("0"), coerce_to_string=True
    )
    barcode = TextField(max_length=64, allow_blank=True, default="")
    valid_days = WholeNumberField(min_value=1, max_value=365, required=False)


class StockItemOutputSerializer(serializers.Serializer):
    """An item as the API answers it (``stock_item_payload``)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    keywords = serializers.ListField(child=serializers.CharField())
    quantity = serializers.IntegerField()
    price = serializers.DecimalField(max_digits=10, decimal_places=2, coerce_to_string=True)
    barcode = serializers.CharField()
    registered_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()


def stock_item_payload(item: StockItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "name": item.name,
        "keywords": item.keywords,
        "quantity": item.quantity,
        "held": item.held,
        "free": item.free,
        "price": f"{item.price:.2f}",
        "barcode": item.barcode,
        "registered_at": item.registered_at,
        "expires_at": item.expires_at,
    }


class StockListApi(APIView):
    """The shop's stock (GET, with ``?q=`` on name or barcode) and new items (POST)."""

    @extend_schema(
        operation_id="shops_stock_list",
        parameters=[OpenApiParameter("q", str, description="Part of a name, or a barcode")],
        responses={200: StockItemOutputSerializer(many=True)},
    )
    def get(self, request: Request, slug: str) -> Response:
        shop = shop_for_request(request, slug)
        query = request.query_params.get("q", "").strip()[:100]
        items = shop_items(shop_id=shop.pk, query=query)
        return Response([stock_item_payload(item) for item in items])

    @extend_schema(request=StockItemSerializer, responses={201: StockItemOutputSerializer})
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
        return shop_item(shop=shop, item_id=item_id)

    @extend_schema(responses={200: StockItemOutputSerializer})
    def get(self, request: Request, slug: str, item_id: int) -> Response:
        return Response(stock_item_payload(self._item(request, slug, item_id)))

    @extend_schema(request=StockItemSerializer, responses={200: StockItemOutputSerializer})
    def patch(self, request: Request, slug: str, item_id: int) -> Response:
        item = self._item(request, slug, item_id)
        serializer = StockItemSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = _keywords_clean(dict(serializer.validated_data))
        item = stock_item_update(item=item, changes=changes)
        return Response(stock_item_payload(item))

    def delete(self, request: Request, slug: str, item_id: int) -> Response:
        stock_item_delete(item=self._item(request, slug, item_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class SaleCreateApi(APIView):
    """Record a sale; with a shopper's code, the wants it fulfils are deleted."""

    error_statuses = (409, 429)

    class InputSerializer(serializers.Serializer):
        item = WholeNumberField(min_value=1)
        quantity = WholeNumberField(min_value=1, max_value=10_000, default=1)
        customer = TextField(max_length=20, required=False, allow_blank=True)

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        item = serializers.IntegerField(allow_null=True)
        quantity = serializers.IntegerField()
        unit_price = serializers.DecimalField(
            max_digits=10, decimal_places=2, coerce_to_string=True
        )
        remaining = serializers.IntegerField()
        wants_fulfilled = serializers.IntegerField()
        sold_at = serializers.DateTimeField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request: Request, slug: str) -> Response:
        shop = shop_for_request(request, slug)
        data = validated(self.InputSerializer, request.data)
        sale = sale_to_code(
            shop=shop,
            item_id=data["item"],
            quantity=data["quantity"],
            code=data.get("customer") or None,
            clerk=request.user,
            kiosk=request_kiosk(request),
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


def _keywords_clean(changes: dict[str, Any]) -> dict[str, Any]:
    if "keywords" in changes:
        changes["keywords"] = [k.strip() for k in changes["keywords"] if k.strip()]
    return changes


class StockByBarcodeApi(APIView):
    """The shop's item with this barcode: read it (GET), or create or update it (PUT), as
    a POS syncing its catalogue or a clerk's scan does. ``add`` restocks by that many."""

    class PutSerializer(StockItemSerializer):
        add = WholeNumberField(min_value=1, max_value=1_000_000, required=False)

    def get(self, request: Request, slug: str, barcode: str) -> Response:
        shop = shop_for_request(request, slug)
        items = shop_items_by_barcode(shop_id=shop.pk, barcode=barcode.strip())
        if not items:
            raise NotFound(f"No item with barcode {barcode!r} in {shop.name}.", code="unknown_item")
        if len(items) > 1:
            raise Conflict(
                f"Barcode {barcode!r} names several items of {shop.name}.",
                code="ambiguous_barcode",
            )
        return Response(stock_item_payload(items[0]))

    @extend_schema(
        request=PutSerializer(partial=True),
        responses={200: StockItemOutputSerializer, 201: StockItemOutputSerializer},
    )
    def put(self, request: Request, slug: str, barcode: str) -> Response:
        shop = shop_for_request(request, slug)
        serializer = self.PutSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = _keywords_clean(dict(serializer.validated_data))
        changes.pop("barcode", None)  # the URL names it
        add = changes.pop("add", None)
        item, created = stock_item_put_by_barcode(
            shop=shop, barcode=barcode, changes=changes, add=add
        )
        return Response(
            stock_item_payload(item), status=status.HTTP_201_CREATED if created else 200
        )


class ShopHoldsApi(APIView):
    """GET: what the shop holds for shoppers now. POST: hold an item for a shopper the shop
    sees (``until`` default in 2 hours, at most 24 hours ahead); 409 ``not_available``
    when fewer units are free."""

    error_statuses = (409, 429)

    class InputSerializer(serializers.Serializer):
        customer = TextField(max_length=20)
        item = WholeNumberField(min_value=1)
        quantity = WholeNumberField(min_value=1, max_value=10_000, default=1)
        until = serializers.DateTimeField(required=False)

    @extend_schema(responses={200: OBJECT_LIST})
    def get(self, request: Request, slug: str) -> Response:
        shop = shop_for_clerk(request, slug)
        return Response([hold_payload(hold) for hold in holds_live(shop_id=shop.pk)])

    @extend_schema(request=InputSerializer, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, slug: str) -> Response:
        shop = shop_for_clerk(request, slug)
        data = validated(self.InputSerializer, request.data)
        hold = hold_create(
            shop=shop,
            customer=shopper_for_shop(shop=shop, code=data["customer"]),
            item_id=data["item"],
            quantity=data["quantity"],
            until=data.get("until"),
            clerk=request_clerk(request),
        )
        return Response(hold_payload(hold), status=status.HTTP_201_CREATED)


class ShopHoldDetailApi(APIView):
    """The clerk cancels a hold: its units are free again."""

    def delete(self, request: Request, slug: str, hold_id: int) -> Response:
        shop = shop_for_clerk(request, slug)
        hold_cancel(hold=shop_hold(shop_id=shop.pk, hold_id=hold_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ShopAlternativesApi(APIView):
    """Offer a shopper the shop sees another of its items for one of their wants."""

    error_statuses = (429,)

    class InputSerializer(serializers.Serializer):
        customer = TextField(max_length=20)
        desire = WholeNumberField(min_value=1)
        item = WholeNumberField(min_value=1)
        note = TextField(max_length=200, required=False, allow_blank=True)

    @extend_schema(request=InputSerializer, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, slug: str) -> Response:
        shop = shop_for_clerk(request, slug)
        data = validated(self.InputSerializer, request.data)
        alternative = alternative_create(
            shop=shop,
            customer=shopper_for_shop(shop=shop, code=data["customer"]),
            desire_id=data["desire"],
            item_id=data["item"],
            note=data.get("note", ""),
        )
        return Response(alternative_payload(alternative), status=status.HTTP_201_CREATED)


class CardTakeApi(APIView):
    """A clerk takes a shopper's card ("I'll serve them"); every screen of the shop shows
    who did (``card.taken``). Another clerk may take it over."""

    error_statuses = (429,)

    def post(self, request: Request, slug: str, code: str) -> Response:
        shop = shop_for_clerk(request, slug)
        card = card_take_look(shop=shop, code=code, clerk=request_clerk(request))
        return Response({"customer": card.customer.code, "clerk": request.user.get_username()})

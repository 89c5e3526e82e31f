"""Search API: who has X, from where the shopper stands (DESIGN.md, ``GET /api/search/``)."""

from __future__ import annotations

import math
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from core.errors import DomainError
from core.parsers import validated
from customers.models import Ranking
from kiosks.selectors import kiosk_by_checkin_code
from matching import engine
from matching.results import shop_payload
from matching.selectors import SearchPage
from workflows.search import search

#: Results per page, at most.
MAX_LIMIT = 200
#: Keywords of a search, at most (as a want's).
MAX_KEYWORDS = 10


class SearchApi(APIView):
    """Every item matching a want's words, exact then similar, ranked from a position."""

    # Anyone may search: no login is looked up, the address is throttled.
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "search"
    error_statuses = (429,)

    class InputSerializer(serializers.Serializer):
        q = serializers.CharField(
            max_length=200,
            required=False,
            allow_blank=True,
            default="",
            help_text="The want's words (required).",
        )
        keywords = serializers.CharField(
            max_length=1000,
            required=False,
            allow_blank=True,
            default="",
            help_text="Comma-separated.",
        )
        kiosk = serializers.CharField(
            max_length=64,
            required=False,
            help_text="A kiosk's check-in code (or floor, x and y; neither: cheapest first,"
            " no distances).",
        )
        floor = serializers.IntegerField(min_value=-20, max_value=200, required=False)
        x = serializers.FloatField(
            min_value=-100_000, max_value=100_000, required=False, help_text="Metres."
        )
        y = serializers.FloatField(
            min_value=-100_000, max_value=100_000, required=False, help_text="Metres."
        )
        ranking = serializers.ChoiceField(choices=Ranking.choices, default=Ranking.NEAREST)
        limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, default=20)
        offset = serializers.IntegerField(min_value=0, max_value=100_000, default=0)

        def validate_keywords(self, value: str) -> list[str]:
            found = [part.strip() for part in value.split(",") if part.strip()]
            if len(found) > MAX_KEYWORDS:
                raise serializers.ValidationError(f"At most {MAX_KEYWORDS} keywords.")
            if any(len(k) > 100 for k in found):
                raise serializers.ValidationError("A keyword has at most 100 characters.")
            return found

        def validate(self, data: dict) -> dict:
            if not engine.want_phrases(data["q"], data["keywords"]):
                raise DomainError(
                    "Say what you are looking for: q (and keywords) hold no word to search for.",
                    code="empty_search",
                )
            place = [name for name in ("floor", "x", "y") if name in data]
            if "kiosk" in data and place:
                raise DomainError("Give a kiosk or floor, x and y, not both.", code="bad_position")
            if place and len(place) != 3:
                raise DomainError(
                    "Say where you are with all of floor, x and y (or a kiosk).",
                    code="bad_position",
                )
            if any(not math.isfinite(data[name]) for name in ("x", "y") if name in data):
                raise DomainError("x and y must be numbers.", code="bad_position")
            return data

    class OutputSerializer(serializers.Serializer):
        class HitSerializer(serializers.Serializer):
            shop = serializers.DictField()
            item = serializers.DictField()
            distance_m = serializers.FloatField(allow_null=True)
            similar = serializers.BooleanField()

        total = serializers.IntegerField()
        results = HitSerializer(many=True)

    # The query parameters are the input serializer's fields, with their bounds.
    @extend_schema(
        parameters=[InputSerializer],
        responses={200: OutputSerializer},
    )
    def get(self, request: Request) -> Response:
        data = validated(self.InputSerializer, request.query_params)
        at = None  # from nowhere: cheapest first, no distances
        if "kiosk" in data:
            at = engine.Position(*kiosk_by_checkin_code(data["kiosk"]).position)
        elif "floor" in data:
            at = engine.Position(data["floor"], data["x"], data["y"])
        page = search(
            name=data["q"],
            keywords=data["keywords"],
            at=at,
            ranking=data["ranking"],
            limit=data["limit"],
            offset=data["offset"],
        )
        return Response(search_payload(page))


def search_payload(page: SearchPage) -> dict[str, Any]:
    """``GET /api/search/``'s answer (DESIGN.md): ``{"total", "results"}``."""
    return {
        "total": page.total,
        "results": [
            {
                "shop": shop_payload(hit.item.offered_shop()),
                "item": {
                    "id": hit.item.pk,
                    "name": hit.item.name,
                    "price": f"{hit.item.price:.2f}",
                    "quantity": hit.item.quantity,
                },
                "distance_m": None if hit.distance_m is None else round(hit.distance_m, 1),
                "similar": hit.similar,
            }
            for hit in page.hits
        ],
    }

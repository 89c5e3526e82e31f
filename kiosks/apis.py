"""Kiosk API: sightings and departures of shoppers' handhelds."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.fields import TextField
from core.parsers import validated
from kiosks.authentication import IsKiosk, authenticated_kiosk
from kiosks.selectors import kiosk_checkin_path
from workflows.sightings import token_depart, token_sight


class TokenSerializer(serializers.Serializer):
    token = TextField(max_length=200)


class SightingApi(APIView):
    """A kiosk sees a shopper: answers the ranked shop list, pushes the cards."""

    permission_classes = [IsKiosk]

    @extend_schema(request=TokenSerializer)
    def post(self, request: Request) -> Response:
        data = validated(TokenSerializer, request.data)
        answer = token_sight(kiosk=authenticated_kiosk(request), token=data["token"])
        return Response(answer)


class DepartureApi(APIView):
    """A kiosk lost a shopper's handheld."""

    permission_classes = [IsKiosk]

    @extend_schema(request=TokenSerializer, responses={204: None})
    def post(self, request: Request) -> Response:
        data = validated(TokenSerializer, request.data)
        token_depart(kiosk=authenticated_kiosk(request), token=data["token"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class KioskSelfApi(APIView):
    """The calling kiosk: where it stands and the address of its check-in QR code."""

    permission_classes = [IsKiosk]

    def get(self, request: Request) -> Response:
        kiosk = authenticated_kiosk(request)
        floor, x, y = kiosk.position
        return Response(
            {
                "name": kiosk.name,
                "shop": kiosk.shop.slug if kiosk.shop is not None else None,
                "floor": floor,
                "x": x,
                "y": y,
                "checkin_url": request.build_absolute_uri(kiosk_checkin_path(kiosk)),
            }
        )

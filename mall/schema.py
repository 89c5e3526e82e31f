"""OpenAPI generation for our APIViews (drf-spectacular).

The APIs are one small ``APIView`` per operation with nested ``InputSerializer`` classes
(STYLE.md). Two defaults of drf-spectacular do not fit that: every nested serializer would
be a component named "Input", and a view without ``serializer_class`` is skipped with an
error. Here nested serializers are named after their view, and such a view answers a JSON
object (its exact shape is the contract table in DESIGN.md).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from rest_framework.generics import GenericAPIView


class MallAutoSchema(AutoSchema):
    def _get_serializer(self) -> Any:
        if not isinstance(self.view, GenericAPIView) and not hasattr(self.view, "serializer_class"):
            return OpenApiTypes.OBJECT
        return super()._get_serializer()

    def _get_serializer_name(
        self, serializer: Any, direction: str, bypass_extensions: bool = False
    ) -> str:
        name = super()._get_serializer_name(serializer, direction, bypass_extensions)
        owner = type(serializer).__qualname__.split(".")
        if len(owner) > 1:
            # ``SaleCreateApi.InputSerializer`` -> ``SaleCreateInput``
            name = owner[-2].removesuffix("Api") + name
        return name

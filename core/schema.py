"""OpenAPI generation for our APIViews (drf-spectacular).

The APIs are one small ``APIView`` per operation with nested ``InputSerializer`` classes
(STYLE.md). Two defaults of drf-spectacular do not fit that: every nested serializer would
be a component named "Input", and a view without ``serializer_class`` is skipped with an
error. Here nested serializers are named after their view, and such a view answers a JSON
object (its exact shape is the contract table in DESIGN.md).

Every operation also lists the 4xx answers it gives, each in the one error shape
(``{"error": {"code", "message"}}``): 400, 401, 403 and 404 everywhere, 415 where a body is
read, and those a view names in ``error_statuses`` (409 out of stock, 429 throttled).
"""

from __future__ import annotations

from typing import Any, Literal

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers
from rest_framework.generics import GenericAPIView

_ERROR_DESCRIPTIONS = {
    400: "Bad input (the fields at fault in ``fields``)",
    401: "Missing or unknown credentials",
    403: "Not allowed for this caller",
    404: "No such object (or not visible to this caller)",
    405: "Method not allowed",
    409: "Conflict (e.g. not enough stock)",
    415: "Unsupported media type",
    429: "Too many requests: try again later",
}


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.JSONField(required=False)  # type: ignore[assignment]  # a declared field


class ErrorSerializer(serializers.Serializer):
    """The one error shape of the API."""

    error = ErrorDetailSerializer()


#: What a text field takes: no NUL character (no database column holds one), and, unless it
#: may be blank, one character that is not a space (it is trimmed).
_NO_NUL = "^[^\\u0000]*$"
_NOT_BLANK = "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$"


class MallAutoSchema(AutoSchema):
    def _map_serializer_field(
        self, field: Any, direction: str, bypass_extensions: bool = False
    ) -> dict[str, Any]:
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if (
            direction == "request"
            and isinstance(field, serializers.CharField)
            and schema.get("type") == "string"
            and "enum" not in schema
        ):
            if isinstance(field, serializers.SlugField):
                schema.setdefault("pattern", "^[-a-zA-Z0-9_]+$")
            elif field.allow_blank:
                schema.setdefault("pattern", _NO_NUL)
            else:
                schema.setdefault("minLength", 1)
                schema.setdefault("pattern", _NOT_BLANK)
        return schema

    def _get_response_bodies(
        self, direction: Literal["request", "response"] = "response"
    ) -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        statuses = {400, 401, 403, 404, 405}
        if self.method in ("POST", "PUT", "PATCH"):
            statuses.add(415)
        statuses |= set(getattr(self.view, "error_statuses", ()))
        for status in sorted(statuses):
            if str(status) not in responses:
                response = self._get_response_for_code(ErrorSerializer, str(status))
                response["description"] = _ERROR_DESCRIPTIONS[status]
                responses[str(status)] = response
        return responses

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


#: An answer that is a list of JSON objects (their shape is in DESIGN.md).
OBJECT_LIST = {"type": "array", "items": {"type": "object", "additionalProperties": {}}}

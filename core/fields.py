"""Serializer fields that take only what the OpenAPI schema says they take.

DRF's own fields are lenient: a ``CharField`` turns the number 123 into "123", an
``IntegerField`` reads the string "5", a ``BooleanField`` reads "yes". The API documents
JSON types; these fields hold it to them (a token sent as a number is a 400, not a token).
Multipart forms, where every value is text, use DRF's fields.
"""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class _StringOnly:
    max_length: int | None = None

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            raise serializers.ValidationError("Must be a string.", code="not_text")
        # The length as sent, as the schema's maxLength counts it (DRF counts after trimming).
        if self.max_length is not None and len(data) > self.max_length:
            raise serializers.ValidationError(
                f"Ensure this field has no more than {self.max_length} characters.",
                code="max_length",
            )
        return super().to_internal_value(data)  # type: ignore[misc]  # a mixin: the field's


class TextField(_StringOnly, serializers.CharField):
    """A JSON string; blank only where ``allow_blank`` says so (the schema then has
    ``minLength: 1`` and a pattern asking for one non-space character)."""


class SlugText(_StringOnly, serializers.SlugField):
    """A JSON string that is a slug."""


#: A price as the API writes it: digits, and at most two decimals ("12.50", "3", "0.5").
PRICE_PATTERN = r"^\d{1,8}(\.\d{1,2})?$"


@extend_schema_field({"type": "string", "pattern": PRICE_PATTERN, "example": "12.50"})
class PriceField(_StringOnly, serializers.DecimalField):
    """A price as a decimal string ("12.50"), as the API documents prices."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and not re.fullmatch(PRICE_PATTERN, data):
            raise serializers.ValidationError(
                'Write the price as digits with at most two decimals, e.g. "12.50".',
                code="invalid_price",
            )
        return super().to_internal_value(data)


class WholeNumberField(serializers.IntegerField):
    """A JSON integer (not a string of digits, not a boolean)."""

    default_error_messages = {"not_integer": "Must be a whole number."}

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("not_integer")
        return super().to_internal_value(data)


class FlagField(serializers.BooleanField):
    """A JSON boolean."""

    default_error_messages = {"not_flag": "Must be true or false."}

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("not_flag")
        return data

"""Reading JSON from clients: what ``json.loads`` accepts but the server cannot keep or
answer is refused as bad input, like any other malformed body.

Two such things:
- nesting deeper than Python's recursion limit (``[[[[...``), which raises
  ``RecursionError``, not the ``ValueError`` that callers catch;
- a string with an unpaired surrogate (``"\\ud800"``), which is valid JSON text but no
  Unicode character: it cannot be encoded for the database or for an answer that repeats
  it, such as a choice field's error.
"""

from __future__ import annotations

import json
from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.serializers import Serializer


def json_loads(text: str | bytes) -> Any:
    """``json.loads``, raising ``ValueError`` for the two inputs above as well."""
    try:
        data = json.loads(text)
    except RecursionError as exc:
        raise ValueError("JSON nested too deeply") from exc
    if _has_unpaired_surrogate(data):
        raise ValueError("a string holds an unpaired surrogate (\\ud800-\\udfff)")
    return data


def _has_unpaired_surrogate(data: Any) -> bool:
    # A loop, not recursion: the data may be nested nearly as deep as the limit allows.
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(value, dict):
            pending += value.keys()
            pending += value.values()
        elif isinstance(value, list):
            pending += value
    return False


class JSONParser(parsers.JSONParser):
    """DRF's parser, with ``json_loads``'s two refusals as parse errors (400)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError("JSON parse error - nested too deeply") from exc
        if _has_unpaired_surrogate(data):
            raise ParseError("JSON parse error - a string holds an unpaired surrogate")
        return data


def validated(serializer_class: type[Serializer], data: Any) -> Any:
    """``data`` checked by ``serializer_class``; a ValidationError becomes a 400."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data

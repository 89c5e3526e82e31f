"""Hand-written SQL's names: a model's fields that have a column, as the ORM writes them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field, Model


def concrete_field(model: type[Model], name: str) -> Field[Any, Any]:
    """``model``'s field ``name``, one with a column (not a reverse relation)."""
    field = model._meta.get_field(name)
    if not isinstance(field, Field):
        raise FieldDoesNotExist(f"{model.__name__}.{name} has no column.")
    return field

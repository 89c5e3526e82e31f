"""Reading settings from the environment, with a clear error naming a bad variable."""

import os
from typing import TypeVar, overload

from django.core.exceptions import ImproperlyConfigured


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


Number = TypeVar("Number", int, float)


@overload
def env_number(name: str, default: str) -> float: ...
@overload
def env_number(name: str, default: str, kind: type[Number]) -> Number: ...
def env_number(name: str, default: str, kind: type[float] = float) -> float:
    """A number from the environment; a clear error naming the variable if it is not one."""
    value = os.environ.get(name, default)
    try:
        number = kind(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}.") from None
    if number < 0:
        raise ImproperlyConfigured(f"{name} must not be negative, not {value!r}.")
    return number


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]

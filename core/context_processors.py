"""What every page's template needs to format like the scripts do."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def locale(request: HttpRequest) -> dict[str, str]:
    """The mall's currency and time zone, written on ``<html>`` for the scripts."""
    return {"currency": settings.CURRENCY, "time_zone": settings.TIME_ZONE}

"""Admin for the reports: the counters and the access log, to look at (never to edit).
The charts are at ``/admin/reports/`` (``reports.views``), linked from the admin index."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from reports.models import AccessLog, ConversionDay, DwellDay, FootfallHour, UnmetDemand


class _ReadOnly(admin.ModelAdmin):
    """Rows the system writes: staff look, never add or change."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(UnmetDemand)
class UnmetDemandAdmin(_ReadOnly):
    list_display = ("day", "want", "source", "similar_only", "count")
    list_filter = ("source", "similar_only", "day")
    search_fields = ("want", "words")
    date_hierarchy = "day"


@admin.register(ConversionDay)
class ConversionDayAdmin(_ReadOnly):
    list_display = ("day", "shop", "event", "count")
    list_filter = ("event", "shop")
    list_select_related = ("shop",)
    date_hierarchy = "day"


@admin.register(FootfallHour)
class FootfallHourAdmin(_ReadOnly):
    list_display = ("hour", "kiosk", "sightings", "checkins", "departures")
    list_filter = ("kiosk",)
    list_select_related = ("kiosk",)
    date_hierarchy = "hour"


@admin.register(DwellDay)
class DwellDayAdmin(_ReadOnly):
    list_display = ("day", "minutes_from", "count")
    date_hierarchy = "day"


@admin.register(AccessLog)
class AccessLogAdmin(_ReadOnly):
    """Who looked at which shopper. Kept ``ACCESS_LOG_DAYS`` after the shopper is gone;
    only ``manage.py purge`` deletes it."""

    list_display = (
        "at",
        "shop_name",
        "actor_kind",
        "actor",
        "action",
        "customer_code",
        "customer_gone_at",
    )
    list_filter = ("shop", "clerk", "actor_kind", "action")
    search_fields = ("=customer_code", "actor", "shop_name")
    date_hierarchy = "at"

    def has_delete_permission(self, request: HttpRequest, obj: AccessLog | None = None) -> bool:
        return False

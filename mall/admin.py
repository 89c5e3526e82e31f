"""Admin for mall staff: shops and their floor positions, clerks, retention settings."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from kiosks.models import Kiosk
from mall.models import Membership, Retention, Shop


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)
    readonly_fields = ("created_at",)


class KioskInline(admin.TabularInline):
    """The shop's kiosks, to look at; they are created with their key in the kiosk admin
    or by ``manage.py create_kiosk``."""

    model = Kiosk
    extra = 0
    fields = ("name", "is_active", "last_seen_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the system writes itself: staff look, never edit."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Shop)
class ShopAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "floor", "x", "y", "item_count", "clerk_count")
    list_filter = ("floor",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created_at",)
    inlines = (MembershipInline, KioskInline)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Shop]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                item_count=Count("stock", distinct=True),
                clerk_count=Count("memberships", distinct=True),
            )
        )

    @admin.display(description="stock items", ordering="item_count")
    def item_count(self, shop: Shop) -> int:
        return shop.item_count  # type: ignore[attr-defined]

    @admin.display(description="clerks", ordering="clerk_count")
    def clerk_count(self, shop: Shop) -> int:
        return shop.clerk_count  # type: ignore[attr-defined]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "shop", "created_at")
    list_filter = ("shop",)
    search_fields = ("user__username", "shop__name", "shop__slug")
    autocomplete_fields = ("user", "shop")
    list_select_related = ("user", "shop")


@admin.register(Retention)
class RetentionAdmin(admin.ModelAdmin):
    """One row: the settings. It can be added once and never deleted (the defaults apply
    until it exists)."""

    list_display = ("__str__", "desire_days", "customer_days", "stock_days")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not Retention.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

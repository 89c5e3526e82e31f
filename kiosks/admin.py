"""Admin for kiosks (keys never shown after creation; revoke, issue a new key) and the
shoppers in range of them."""

from __future__ import annotations

import segno
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from kiosks.models import Kiosk, Presence
from kiosks.selectors import kiosk_checkin_path
from kiosks.services import kiosk_checkin_renew, kiosk_create, kiosk_key_rotate, kiosks_revoke
from mall.admin import PlaceOnMapMedia, ShopAdmin, place_map
from mall.models import Shop


class KioskInline(admin.TabularInline):
    """The shop's kiosks, to look at; they are created with their key in the kiosk admin
    or by ``manage.py create_kiosk``."""

    model = Kiosk
    extra = 0
    fields = ("name", "is_active", "last_seen_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Shop | None = None) -> bool:
        return False


# The shop's page lists its kiosks: the kiosk app adds them to the mall's shop admin (the
# mall knows no kiosk).
admin.site.unregister(Shop)


@admin.register(Shop)
class ShopWithKiosksAdmin(ShopAdmin):
    inlines = (*ShopAdmin.inlines, KioskInline)


@admin.register(Kiosk)
class KioskAdmin(admin.ModelAdmin):
    """A kiosk added here gets its key like ``manage.py create_kiosk``: shown once, in the
    message after saving. Only its hash is kept, so it is never shown again."""

    list_display = (
        "name",
        "shop",
        "position",
        "is_entrance",
        "is_active",
        "poster",
        "last_seen_at",
        "created_at",
    )
    list_filter = ("is_active", "is_entrance", "shop__floor", "shop")
    search_fields = ("name", "shop__name", "shop__slug")
    list_select_related = ("shop",)
    autocomplete_fields = ("shop",)
    fields = (
        "name",
        "shop",
        "floor",
        "x",
        "y",
        "map",
        "is_entrance",
        "is_active",
        "poster",
        "last_seen_at",
        "created_at",
    )
    readonly_fields = ("poster", "map", "last_seen_at", "created_at")
    actions = ("revoke", "issue_new_key", "renew_checkin")
    Media = PlaceOnMapMedia

    @admin.display(description="place on the map")
    def map(self, kiosk: Kiosk) -> SafeString:
        if kiosk.pk and kiosk.shop_id is not None:
            floor, x, y = kiosk.position
            return place_map(floor, x, y)
        return place_map(kiosk.floor, kiosk.x, kiosk.y)

    @admin.display(description="check-in poster")
    def poster(self, kiosk: Kiosk) -> str:
        if not kiosk.pk:
            return "-"
        url = reverse("admin:kiosks_kiosk_poster", args=[kiosk.pk])
        return format_html('<a href="{}" target="_blank">Print the check-in poster</a>', url)

    def get_urls(self) -> list[URLPattern]:
        poster = path(
            "<int:kiosk_id>/poster/",
            self.admin_site.admin_view(self.poster_view),
            name="kiosks_kiosk_poster",
        )
        return [poster, *super().get_urls()]

    def poster_view(self, request: HttpRequest, kiosk_id: int) -> HttpResponse:
        """An A4 page to print: the shop's name and the kiosk's check-in QR code."""
        kiosk = get_object_or_404(Kiosk.objects.select_related("shop"), pk=kiosk_id)
        url = request.build_absolute_uri(kiosk_checkin_path(kiosk))
        return render(
            request,
            "kiosks/poster.html",
            {
                "kiosk": kiosk,
                "title": kiosk.shop.name if kiosk.shop is not None else kiosk.name,
                "url": url,
                "qr_svg": segno.make(url, error="m").svg_inline(scale=8, border=2, omitsize=True),
            },
        )

    @admin.action(
        description="Renew the check-in codes of selected kiosks (old posters stop working)"
    )
    def renew_checkin(self, request: HttpRequest, queryset: QuerySet[Kiosk]) -> None:
        for kiosk in queryset:
            kiosk_checkin_renew(kiosk=kiosk)
        self.message_user(
            request, f"{queryset.count()} check-in code(s) renewed: print the new posters."
        )

    @admin.display(description="floor, x, y")
    def position(self, kiosk: Kiosk) -> str:
        floor, x, y = kiosk.position
        return f"{floor}, {x:g}, {y:g}"

    def save_model(self, request: HttpRequest, obj: Kiosk, form: ModelForm, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        created = kiosk_create(name=obj.name, shop=obj.shop, floor=obj.floor, x=obj.x, y=obj.y)
        obj.pk = created.kiosk.pk
        obj._state.adding = False
        self.message_user(
            request,
            f"API key of {obj.name}, shown only this once: {created.key}",
            messages.WARNING,
        )

    @admin.action(description="Revoke selected kiosks (their keys stop working)")
    def revoke(self, request: HttpRequest, queryset: QuerySet[Kiosk]) -> None:
        count = kiosks_revoke(kiosk_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{count} kiosk(s) revoked.")

    @admin.action(description="Issue a new key to selected kiosks (the old one stops working)")
    def issue_new_key(self, request: HttpRequest, queryset: QuerySet[Kiosk]) -> None:
        for kiosk in queryset:
            key = kiosk_key_rotate(kiosk=kiosk).key
            self.message_user(
                request,
                f"New API key of {kiosk.name}, shown only this once: {key}",
                messages.WARNING,
            )


@admin.register(Presence)
class PresenceAdmin(admin.ModelAdmin):
    """Who is in range of which kiosk now (read-only: kiosks report it)."""

    list_display = ("customer", "kiosk", "arrived_at", "last_seen_at")
    list_filter = ("kiosk",)
    search_fields = ("customer__code", "kiosk__name")
    list_select_related = ("customer", "kiosk")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Presence | None = None) -> bool:
        return False

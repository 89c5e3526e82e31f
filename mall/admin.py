"""Admin for mall staff: shops and their floor positions, clerks, retention settings."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, TypedDict

from django.contrib import admin
from django.db.models import Count, Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from mall.floorplan import floor_svg
from mall.models import (
    CorridorEdge,
    CorridorNode,
    Floor,
    Landmark,
    Membership,
    Retention,
    Shop,
)
from mall.selectors import floor_corridors, floor_plan
from mall.services import landmarks_changed

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class ShopCounts(TypedDict):
    """What the shop list's queryset adds to each shop."""

    item_count: int
    clerk_count: int


def place_map(
    floor: int | None, x: float | None, y: float | None, *, corridors: bool = False
) -> SafeString:
    """The floor's map for a change form: a click on it sets the form's x and y
    (``static/js/admin_place.js``); the current position is "you are here";
    ``corridors`` draws the corridors and points staff drew on the floor."""
    number = floor if floor is not None else 0
    here = (x, y) if x is not None and y is not None else None
    lines, points = floor_corridors(number) if corridors else ([], [])
    plan = floor_plan(number, also=tuple((point.x, point.y) for point in points))
    svg = floor_svg(plan, here=here, corridors=lines, points=points)
    return format_html(
        '<div class="place-map" data-floor="{}"><p class="help">Click on the map to place it'
        " (sets x and y); change the floor to see another.</p>{}</div>",
        number,
        mark_safe(svg),  # built by floor_svg, every text escaped
    )


class PlaceOnMapMedia:
    """The script and style of the map on the change form."""

    js = ("js/admin_place.js",)
    css = {"all": ("css/admin_place.css",)}


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)
    readonly_fields = ("created_at",)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the system writes itself: staff look, never edit."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Shop)
class ShopAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "floor", "x", "y", "item_count", "clerk_count")
    list_filter = ("floor",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created_at", "map")
    inlines: ClassVar[tuple[type[admin.options.InlineModelAdmin], ...]] = (MembershipInline,)
    Media = PlaceOnMapMedia

    @admin.display(description="place on the map")
    def map(self, shop: Shop) -> SafeString:
        return place_map(shop.floor, shop.x if shop.pk else None, shop.y if shop.pk else None)

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
    def item_count(self, shop: WithAnnotations[Shop, ShopCounts]) -> int:
        return shop.item_count

    @admin.display(description="clerks", ordering="clerk_count")
    def clerk_count(self, shop: WithAnnotations[Shop, ShopCounts]) -> int:
        return shop.clerk_count


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

    def has_delete_permission(self, request: HttpRequest, obj: Retention | None = None) -> bool:
        return False


@admin.register(Floor)
class FloorAdmin(admin.ModelAdmin):
    """Floors as the maps draw them: size in metres and an optional plan image."""

    list_display = ("number", "name", "width_m", "height_m", "has_image")
    readonly_fields = ("preview",)

    @admin.display(description="plan image", boolean=True)
    def has_image(self, floor: Floor) -> bool:
        return bool(floor.image)

    @admin.display(description="map")
    def preview(self, floor: Floor) -> SafeString:
        if floor.pk is None:
            return mark_safe("-")
        return place_map(floor.number, None, None)


@admin.register(Landmark)
class LandmarkAdmin(admin.ModelAdmin):
    """Landmarks that the handheld's directions start from ("12 m left of the lift")."""

    list_display = ("name", "floor", "x", "y")
    list_filter = ("floor",)
    search_fields = ("name",)
    readonly_fields = ("map",)
    Media = PlaceOnMapMedia

    @admin.display(description="place on the map")
    def map(self, mark: Landmark) -> SafeString:
        return place_map(mark.floor, mark.x if mark.pk else None, mark.y if mark.pk else None)

    def save_model(
        self, request: HttpRequest, obj: Landmark, form: ModelForm, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        landmarks_changed()

    def delete_model(self, request: HttpRequest, obj: Landmark) -> None:
        super().delete_model(request, obj)
        landmarks_changed()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Landmark]) -> None:
        super().delete_queryset(request, queryset)
        landmarks_changed()


class CorridorEdgeInline(admin.TabularInline):
    """Corridors, stairs, escalators and lifts from this point to others."""

    model = CorridorEdge
    fk_name = "start"
    extra = 1
    fields = ("end", "kind", "cost_m")
    autocomplete_fields = ("end",)
    verbose_name = "way from this point"
    verbose_name_plural = "ways from this point (corridors, stairs, escalators, lifts)"


@admin.register(CorridorNode)
class CorridorNodeAdmin(admin.ModelAdmin):
    """Points of the corridors (docs/decisions/0014-walking-distance.md): click on the
    floor's map to place one, then join it to others below. Shops and kiosks attach to the
    nearest point of their floor; with no corridor drawn, distances are straight lines."""

    list_display = ("__str__", "floor", "x", "y", "ways")
    list_filter = ("floor",)
    search_fields = ("name", "floor")
    readonly_fields = ("map", "joined")
    fields = ("name", "floor", "x", "y", "map", "joined")
    inlines: ClassVar[tuple[type[admin.options.InlineModelAdmin], ...]] = (CorridorEdgeInline,)
    Media = PlaceOnMapMedia

    @admin.display(description="place on the map")
    def map(self, node: CorridorNode) -> SafeString:
        return place_map(
            node.floor,
            node.x if node.pk else None,
            node.y if node.pk else None,
            corridors=True,
        )

    @admin.display(description="joined to")
    def joined(self, node: CorridorNode) -> str:
        if node.pk is None:
            return "-"
        ways = [f"{edge.end} ({edge.kind})" for edge in node.edges_out.select_related("end")]
        ways += [f"{edge.start} ({edge.kind})" for edge in node.edges_in.select_related("start")]
        return "; ".join(ways) or "nothing yet"

    def get_queryset(self, request: HttpRequest) -> QuerySet[CorridorNode]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                out_count=Count("edges_out", distinct=True),
                in_count=Count("edges_in", distinct=True),
            )
        )

    @admin.display(description="ways")
    def ways(self, node: CorridorNode) -> int:
        return node.out_count + node.in_count  # type: ignore[attr-defined]


@admin.register(CorridorEdge)
class CorridorEdgeAdmin(admin.ModelAdmin):
    """A corridor, stairs, an escalator or a lift between two points, walked both ways."""

    list_display = ("__str__", "kind", "cost_m", "metres")
    list_filter = ("kind",)
    autocomplete_fields = ("start", "end")
    list_select_related = ("start", "end")

    @admin.display(description="walked (m)")
    def metres(self, edge: CorridorEdge) -> str:
        return f"{edge.length_m:.1f}"

"""Admin for shoppers and their wants, shares and requests.

Personal data: the token hash is never shown, the face photo only as a thumbnail served by
an admin view (staff with view permission, ``no-store``), never from a public URL; every
deletion goes through ``customers.services.customer_delete`` so the face file goes too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypedDict

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import FileResponse, Http404, HttpRequest
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from customers.models import Customer, DesiredProduct, Share, ShopRequest
from mall.admin import ReadOnlyAdmin
from workflows.shoppers import customer_delete

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class WantCount(TypedDict):
    """What the shopper list's queryset adds to each shopper."""

    want_count: int


class ViewOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Customer | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Customer | None = None) -> bool:
        return False


class DesiredProductInline(ViewOnlyInline):
    """Wants are the shopper's to change (phone, kiosk, handheld): here they are shown."""

    model = DesiredProduct
    fields = ("name", "keywords", "level", "note", "expires_at")


class HasPhotoFilter(admin.SimpleListFilter):
    title = "photo"
    parameter_name = "photo"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", "With photo"), ("no", "Without photo")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Customer]) -> QuerySet[Customer]:
        if self.value() == "yes":
            return queryset.exclude(face_image="")
        if self.value() == "no":
            return queryset.filter(face_image="")
        return queryset


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "payment_method",
        "ranking",
        "has_photo",
        "want_count",
        "last_kiosk",
        "last_seen_at",
        "expires_at",
    )
    list_filter = ("payment_method", "ranking", HasPhotoFilter, "last_seen_at", "expires_at")
    search_fields = ("code",)
    list_select_related = ("last_kiosk",)
    date_hierarchy = "created_at"
    # token_hash and face_image are left out on purpose (see the module docstring).
    fields = (
        "code",
        "face_thumbnail",
        "consent_at",
        "payment_method",
        "ranking",
        "last_kiosk",
        "last_seen_at",
        "out_of_range_since",
        "created_at",
        "expires_at",
    )
    readonly_fields = (
        "code",
        "face_thumbnail",
        "consent_at",
        "last_kiosk",
        "last_seen_at",
        "out_of_range_since",
        "created_at",
    )
    inlines = (DesiredProductInline,)
    actions = ("erase_selected",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Customer]:
        return super().get_queryset(request).annotate(want_count=Count("desires"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # shoppers register themselves: a token is only ever shown to them

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        # One way to erase: ours, which names what goes (the bulk delete would too, through
        # delete_queryset, but two entries for one thing confuse).
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description="photo", boolean=True)
    def has_photo(self, customer: Customer) -> bool:
        return bool(customer.face_image)

    @admin.display(description="wants", ordering="want_count")
    def want_count(self, customer: WithAnnotations[Customer, WantCount]) -> int:
        return customer.want_count

    @admin.display(description="face photo")
    def face_thumbnail(self, customer: Customer) -> str:
        if not customer.face_image:
            return "-"
        url = reverse("admin:customers_customer_face", args=[customer.pk])
        return format_html('<img src="{}" alt="face photo" width="96">', url)

    def get_urls(self) -> list[URLPattern]:
        face = path(
            "<int:customer_id>/face/",
            self.admin_site.admin_view(self.face_view),
            name="customers_customer_face",
        )
        return [face, *super().get_urls()]

    def face_view(self, request: HttpRequest, customer_id: int) -> FileResponse:
        """The photo for the thumbnail; staff allowed to view shoppers only."""
        customer = Customer.objects.filter(pk=customer_id).first()
        if customer is None or not self.has_view_permission(request, customer):
            raise Http404
        if not customer.face_image:
            raise Http404
        response = FileResponse(customer.face_image.open("rb"), content_type="image/jpeg")
        response["Cache-Control"] = "private, no-store"
        return response

    @admin.action(
        description="Erase selected shoppers (wants, cards and face photo)",
        permissions=["delete"],
    )
    def erase_selected(self, request: HttpRequest, queryset: QuerySet[Customer]) -> None:
        count = 0
        for customer in queryset:
            customer_delete(customer=customer)
            count += 1
        self.message_user(request, f"{count} shopper(s) erased.")

    def get_deleted_objects(
        self, objs: Sequence[Customer] | QuerySet[Customer], request: HttpRequest
    ) -> tuple[list[str], dict[str, int], set[str], list[str]]:
        deleted, counts, _, protected = super().get_deleted_objects(objs, request)
        # A shopper's wants, cards and presences go with them (erasure is the point), so
        # no separate right to delete those read-only rows is asked for.
        return deleted, counts, set(), protected

    def delete_model(self, request: HttpRequest, obj: Customer) -> None:
        customer_delete(customer=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Customer]) -> None:
        for customer in queryset:
            customer_delete(customer=customer)


@admin.register(DesiredProduct)
class DesiredProductAdmin(ReadOnlyAdmin):
    """Wants across shoppers, e.g. to see what the mall is asked for (read-only)."""

    list_display = ("name", "customer", "level", "note", "expires_at")
    list_filter = ("level",)
    search_fields = ("name", "customer__code")
    list_select_related = ("customer",)


@admin.register(Share)
class ShareAdmin(admin.ModelAdmin):
    list_display = ("customer", "shop", "created_at")
    list_filter = ("shop",)
    search_fields = ("customer__code", "shop__name")
    list_select_related = ("customer", "shop")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Share | None = None) -> bool:
        return False


@admin.register(ShopRequest)
class ShopRequestAdmin(admin.ModelAdmin):
    list_display = ("customer", "shop", "text", "reply", "created_at", "replied_at")
    list_filter = ("shop", "replied_at")
    search_fields = ("customer__code", "shop__name", "text")
    list_select_related = ("customer", "shop")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ShopRequest | None = None) -> bool:
        return False

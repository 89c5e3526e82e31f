"""Admin for stock (changes go through the stock services, so the index and the live
cards follow) and the sales report."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from mall.admin import ReadOnlyAdmin
from stock.imports import KEYWORD_MAX, KEYWORDS_MAX
from stock.models import Sale, StockItem
from workflows.restock import (
    stock_item_delete,
    stock_item_save,
    stock_item_update,
    stock_items_validity_extend,
)

#: Days the "extend validity" action adds.
EXTEND_DAYS = 7


class StockItemForm(forms.ModelForm):
    """Keywords as the API and the CSV import take them: a short list of short strings
    (anything else would break matching, which reads them as text)."""

    class Meta:
        model = StockItem
        fields = ("shop", "name", "keywords", "quantity", "price", "barcode", "expires_at")

    def clean_keywords(self) -> list[str]:
        keywords = self.cleaned_data["keywords"]
        if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
            raise forms.ValidationError('Enter a list of words, e.g. ["trainers", "sneakers"].')
        keywords = [" ".join(k.split()) for k in keywords if k.strip()]
        if len(keywords) > KEYWORDS_MAX or any(len(k) > KEYWORD_MAX for k in keywords):
            raise forms.ValidationError(
                f"At most {KEYWORDS_MAX} keywords of {KEYWORD_MAX} characters each."
            )
        return keywords


@admin.register(StockItem)
class StockItemAdmin(admin.ModelAdmin):
    form = StockItemForm
    list_display = ("name", "shop", "quantity", "price", "barcode", "expires_at")
    list_filter = ("shop", "expires_at")
    search_fields = ("name", "barcode")
    list_select_related = ("shop",)
    autocomplete_fields = ("shop",)
    readonly_fields = ("registered_at",)
    date_hierarchy = "expires_at"
    actions = ("extend_validity",)

    def save_model(
        self, request: HttpRequest, obj: StockItem, form: ModelForm, change: bool
    ) -> None:
        if not change:
            stock_item_save(item=obj)
            return
        changes = {field: form.cleaned_data[field] for field in form.changed_data}
        stock_item_update(item=obj, changes=changes)

    def delete_model(self, request: HttpRequest, obj: StockItem) -> None:
        stock_item_delete(item=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[StockItem]) -> None:
        for item in queryset:
            stock_item_delete(item=item)

    @admin.action(description=f"Extend validity of selected items by {EXTEND_DAYS} days")
    def extend_validity(self, request: HttpRequest, queryset: QuerySet[StockItem]) -> None:
        count = stock_items_validity_extend(
            item_ids=list(queryset.values_list("pk", flat=True)), days=EXTEND_DAYS
        )
        self.message_user(request, f"{count} item(s) kept {EXTEND_DAYS} more days.")


@admin.register(Sale)
class SaleAdmin(ReadOnlyAdmin):
    """The sales report: read-only, and without personal data by design."""

    list_display = ("sold_at", "shop", "item_name", "quantity", "unit_price", "wants_fulfilled")
    list_filter = ("shop",)
    search_fields = ("item_name", "shop__name")
    date_hierarchy = "sold_at"
    list_select_related = ("shop",)

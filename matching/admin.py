"""Admin for the synonym table (staff edit it), and read-only views of the index
vocabulary and of the cards live on shop screens."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from matching.models import Card, SynonymGroup, Term


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the system writes itself: staff look, never edit."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SynonymGroup)
class SynonymGroupAdmin(admin.ModelAdmin):
    """One Solr line per group (``sneakers, trainers``); ``manage.py import_synonyms``
    replaces the whole table from a file."""

    list_display = ("words", "created_at")
    search_fields = ("words",)


@admin.register(Term)
class TermAdmin(ReadOnlyAdmin):
    list_display = ("word", "first", "length")
    search_fields = ("word",)
    list_filter = ("length",)


@admin.register(Card)
class CardAdmin(ReadOnlyAdmin):
    list_display = ("customer", "shop", "distance_m", "seen_at")
    list_filter = ("shop",)
    search_fields = ("customer__code", "shop__name")
    list_select_related = ("customer", "shop")

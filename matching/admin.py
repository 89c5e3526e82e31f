"""Admin for the synonym table (staff edit it), and read-only views of the index
vocabulary and of the cards live on shop screens."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from mall.admin import ReadOnlyAdmin
from matching.imports import synonym_line_problem
from matching.models import Card, SynonymGroup, Term
from matching.services import synonym_group_save, synonym_groups_delete


class SynonymGroupForm(forms.ModelForm):
    """A group's line is checked as ``import_synonyms`` checks a file's lines."""

    class Meta:
        model = SynonymGroup
        fields = ["words"]

    def clean_words(self) -> str:
        words = self.cleaned_data["words"].strip()
        problem = synonym_line_problem(words)
        if problem:
            raise forms.ValidationError(f"{problem[0].upper()}{problem[1:]}.")
        return words


@admin.register(SynonymGroup)
class SynonymGroupAdmin(admin.ModelAdmin):
    """One Solr line per group (``sneakers, trainers``); ``manage.py import_synonyms``
    replaces the whole table from a file."""

    form = SynonymGroupForm
    list_display = ("words", "created_at")
    search_fields = ("words",)

    # Through the services: a change must reach the wants recorded before it.
    def save_model(
        self, request: HttpRequest, obj: SynonymGroup, form: ModelForm, change: bool
    ) -> None:
        synonym_group_save(group=obj)

    def delete_model(self, request: HttpRequest, obj: SynonymGroup) -> None:
        synonym_groups_delete(groups=[obj])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[SynonymGroup]) -> None:
        synonym_groups_delete(groups=queryset)


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

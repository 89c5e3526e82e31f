"""Matching's API: the search (``/api/search/``)."""

from django.urls import path

from matching import apis

api_urlpatterns = [
    path("search/", apis.SearchApi.as_view(), name="search"),
]

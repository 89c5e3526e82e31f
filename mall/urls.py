"""The mall's maps: each floor drawn as SVG, and the floor plan staff uploaded behind it."""

from django.urls import re_path

from mall import views

urlpatterns = [
    re_path(r"^map/(?P<floor>-?\d{1,3})\.svg$", views.floor_map, name="floor-map"),
    re_path(r"^map/(?P<floor>-?\d{1,3})/plan$", views.floor_plan_image, name="floor-image"),
]

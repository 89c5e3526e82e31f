"""Reads of the mall: retention settings, shops and who clerks for them."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.cache import cache
from django.urls import reverse

from mall.errors import NotFound
from mall.floorplan import FloorPlan, Spot, directions, plan_bounds
from mall.models import Floor, Landmark, Membership, Retention, Shop


def retention_current() -> Retention:
    """The retention settings; the defaults (7 days each) until staff save some."""
    return Retention.objects.first() or Retention()


def shop_by_slug(slug: str) -> Shop:
    shop = Shop.objects.filter(slug=str(slug)[:50]).first()
    if shop is None:
        raise NotFound(f"There is no shop “{str(slug)[:50]}” in this mall.", code="unknown_shop")
    return shop


def shops_of_clerk(user: AbstractBaseUser | AnonymousUser) -> list[Shop]:
    """The shops ``user`` clerks for (all shops for mall staff)."""
    if not user.is_authenticated:
        return []
    if user.is_staff:
        return list(Shop.objects.all())
    return [m.shop for m in Membership.objects.filter(user=user).select_related("shop")]


def user_is_clerk_of(user: AbstractBaseUser | AnonymousUser, shop_id: int) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_staff or Membership.objects.filter(user=user, shop_id=shop_id).exists()


def shops_all() -> list[Shop]:
    """Every shop, by name (the phone page's choice of shop to share with or write to)."""
    return list(Shop.objects.all())


#: Cache key of every landmark (read on each sighting for the handheld's directions).
LANDMARKS_CACHE_KEY = "mall:landmarks"
#: Seconds another worker may keep an old landmark list after staff edit one.
LANDMARKS_CACHE_SECONDS = 60


def landmarks_all() -> list[tuple[int, Spot]]:
    """Every landmark as (floor, map spot); cached:
    a sighting reads them for every shop in its list."""
    cached = cache.get(LANDMARKS_CACHE_KEY)
    if cached is None:
        cached = [
            (mark.floor, Spot(name=mark.name, x=mark.x, y=mark.y))
            for mark in Landmark.objects.all()
        ]
        cache.set(LANDMARKS_CACHE_KEY, cached, LANDMARKS_CACHE_SECONDS)
    return cached


def place_directions(*, floor: int, x: float, y: float) -> str:
    """A place in words from the nearest landmark of its floor ("Floor 1, 12 m left of the
    escalator")."""
    return directions(
        floor=floor, x=x, y=y, landmarks=[spot for f, spot in landmarks_all() if f == floor]
    )


def floor_plan(number: int, *, also: tuple[tuple[float, float], ...] = ()) -> FloorPlan:
    """Floor ``number`` as the maps draw it: its shops, landmarks, size and plan image;
    big enough to take in the points ``also`` (where the shopper is)."""
    floor = Floor.objects.filter(number=number).first()
    shops = tuple(
        Spot(name=shop.name, x=shop.x, y=shop.y, slug=shop.slug)
        for shop in Shop.objects.filter(floor=number).order_by("name")
    )
    landmarks = tuple(spot for f, spot in landmarks_all() if f == number)
    points = [(s.x, s.y) for s in shops + landmarks] + list(also)
    left, bottom, width, height = plan_bounds(
        points,
        width=floor.width_m if floor else None,
        height=floor.height_m if floor else None,
    )
    has_image = bool(floor and floor.image)
    return FloorPlan(
        number=number,
        name=floor.name if floor else "",
        left=left,
        bottom=bottom,
        width=width,
        height=height,
        image_url=reverse("floor-image", args=[number]) if has_image else "",
        image_width_m=floor.width_m if floor else 0.0,
        image_height_m=floor.height_m if floor else 0.0,
        shops=shops,
        landmarks=landmarks,
    )


def floor_image(number: int) -> Floor:
    """The floor whose plan image is asked for (``NotFound`` when it has none)."""
    floor = Floor.objects.filter(number=number).first()
    if floor is None or not floor.image:
        raise NotFound("This floor has no plan image.", code="no_floor_image")
    return floor


def floor_numbers() -> list[int]:
    """Floors that have a shop or a plan, lowest first."""
    numbers = set(Shop.objects.values_list("floor", flat=True))
    numbers.update(Floor.objects.values_list("number", flat=True))
    return sorted(numbers)

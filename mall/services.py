"""Writes of the mall: shops, clerks, landmarks."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from mall.models import Membership, Shop
from mall.selectors import landmarks_forget


@dataclass(frozen=True)
class ShopInput:
    slug: str
    name: str
    floor: int
    x: float
    y: float


def shops_import(*, rows: list[ShopInput]) -> tuple[int, int]:
    """Create or update shops by slug. Returns (created, updated)."""
    created = updated = 0
    with transaction.atomic():
        for row in rows:
            _, was_created = Shop.objects.update_or_create(
                slug=row.slug,
                defaults={"name": row.name, "floor": row.floor, "x": row.x, "y": row.y},
            )
            created += was_created
            updated += not was_created
    return created, updated


def clerk_create(*, username: str, shop: Shop, password: str | None = None) -> Membership:
    """Make ``username`` (created if new) a clerk of ``shop``."""
    User = get_user_model()
    with transaction.atomic():
        user, created = User.objects.get_or_create(username=username)
        if created or password:
            if password:
                user.set_password(password)
            else:
                user.set_unusable_password()
            user.save()
        membership, _ = Membership.objects.get_or_create(user=user, shop=shop)
    return membership


def landmarks_changed() -> None:
    """Staff added, moved or removed a landmark: this worker reads them again at once
    (others within ``LANDMARKS_KEEP_SECONDS``)."""
    landmarks_forget()

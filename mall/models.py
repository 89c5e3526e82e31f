"""The mall itself: its shops, who clerks for them, and how long personal data is kept."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Shop(models.Model):
    """A shop of the mall, with the position of its door on the floor plan.

    Distances between shoppers and shops are straight lines on one floor plus a penalty per
    floor changed (DESIGN.md, "What matches").
    """

    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    #: Floor number: 0 is the ground floor, negative numbers are basements.
    floor = models.SmallIntegerField(
        default=0, validators=[MinValueValidator(-20), MaxValueValidator(200)]
    )
    #: Metres east of the mall's reference corner.
    x = models.FloatField(default=0)
    #: Metres north of the mall's reference corner.
    y = models.FloatField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A clerk (a Django user) working for a shop: they see its cards and manage its stock."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["shop__name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "shop"], name="unique_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.shop}"


class Retention(models.Model):
    """How long personal data and stock stay valid (one row, edited by mall staff)."""

    #: Days a shopper's wants stay valid after they are entered or changed.
    desire_days = models.PositiveSmallIntegerField(
        default=7, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    #: Days a shopper's record stays valid after registration or their last change.
    customer_days = models.PositiveSmallIntegerField(
        default=7, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    #: Default validity of a stock item when the clerk gives none.
    stock_days = models.PositiveSmallIntegerField(
        default=7, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = "retention settings"
        verbose_name_plural = "retention settings"

    def __str__(self) -> str:
        return (
            f"wants {self.desire_days} d, shoppers {self.customer_days} d, "
            f"stock {self.stock_days} d"
        )


class Floor(models.Model):
    """One floor of the mall as the maps draw it: its size in metres and, when staff upload
    one, a floor-plan image stretched over that size.

    A floor without a row is still drawn, sized from its shops' positions.
    """

    #: Same numbering as ``Shop.floor``: 0 is the ground floor.
    number = models.SmallIntegerField(
        unique=True, validators=[MinValueValidator(-20), MaxValueValidator(200)]
    )
    name = models.CharField(max_length=60, blank=True, help_text="e.g. Ground floor")
    #: Metres east of the mall's reference corner that the plan covers (x from 0).
    width_m = models.FloatField(
        default=100, validators=[MinValueValidator(1), MaxValueValidator(5000)]
    )
    #: Metres north of the reference corner that the plan covers (y from 0).
    height_m = models.FloatField(
        default=60, validators=[MinValueValidator(1), MaxValueValidator(5000)]
    )
    #: A drawing of the floor, north up, its left edge at x = 0 and bottom edge at y = 0.
    image = models.ImageField(upload_to="floorplans/", blank=True)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return self.name or f"Floor {self.number}"


class Landmark(models.Model):
    """Something a shopper can see from afar (escalator, fountain, lift, exit): text
    directions on the handheld say where a shop is from the nearest one."""

    name = models.CharField(max_length=60, help_text="e.g. escalator, fountain, north exit")
    floor = models.SmallIntegerField(
        default=0, validators=[MinValueValidator(-20), MaxValueValidator(200)]
    )
    x = models.FloatField(default=0)
    y = models.FloatField(default=0)

    class Meta:
        ordering = ["floor", "name"]

    def __str__(self) -> str:
        return f"{self.name} (floor {self.floor})"

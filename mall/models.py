"""The mall itself: its shops, who clerks for them, and how long personal data is kept."""

import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F
from django.db.models.signals import post_delete, post_save


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


class CorridorNode(models.Model):
    """A point of the corridors staff draw (docs/decisions/0014-walking-distance.md): a
    crossing, a bend, a shop's door, the foot of the stairs or a lift's door.

    Shops and kiosks are not nodes: each attaches to the nearest node of its floor (a
    straight leg to it), so a node placed at a shop's door makes that the shop's way in.
    """

    name = models.CharField(max_length=60, blank=True, help_text="optional, e.g. lift A")
    floor = models.SmallIntegerField(
        default=0, validators=[MinValueValidator(-20), MaxValueValidator(200)]
    )
    x = models.FloatField(default=0, validators=[MinValueValidator(-5000), MaxValueValidator(5000)])
    y = models.FloatField(default=0, validators=[MinValueValidator(-5000), MaxValueValidator(5000)])

    class Meta:
        ordering = ["floor", "name", "pk"]
        verbose_name = "corridor point"

    def __str__(self) -> str:
        label = self.name or f"point {self.pk or 'new'}"
        return f"{label} (floor {self.floor}, {self.x:g}, {self.y:g})"


class CorridorEdge(models.Model):
    """A way between two corridor points, walked both ways. On one floor a corridor costs
    its straight length unless staff set a cost; stairs, escalators and lifts join floors
    and cost what staff set (metres of walking they are worth)."""

    CORRIDOR, STAIRS, ESCALATOR, LIFT = "corridor", "stairs", "escalator", "lift"
    KINDS = [
        (CORRIDOR, "corridor"),
        (STAIRS, "stairs"),
        (ESCALATOR, "escalator"),
        (LIFT, "lift"),
    ]

    start = models.ForeignKey(CorridorNode, on_delete=models.CASCADE, related_name="edges_out")
    end = models.ForeignKey(CorridorNode, on_delete=models.CASCADE, related_name="edges_in")
    kind = models.CharField(max_length=10, choices=KINDS, default=CORRIDOR)
    cost_m = models.FloatField(
        "cost (metres)",
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10_000)],
        help_text="Blank on one floor: the straight length. Required between floors: what "
        "taking the stairs, escalator or lift is worth in metres of walking.",
    )

    class Meta:
        ordering = ["start", "end"]
        verbose_name = "corridor"
        constraints = [
            models.UniqueConstraint(fields=["start", "end"], name="unique_corridor_edge"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.start} - {self.end}"

    def clean(self) -> None:
        # In the point's inline the start may be a point not saved yet (no id).
        start, end = _end(self, "start"), _end(self, "end")
        if start is None or end is None:
            return
        if start is end or (start.pk is not None and start.pk == end.pk):
            raise ValidationError("A corridor joins two different points: pick another end.")
        if start.floor != end.floor:
            if self.kind == self.CORRIDOR:
                raise ValidationError(
                    "These points are on different floors: choose stairs, an escalator or a "
                    "lift, or pick points on one floor."
                )
            if self.cost_m is None:
                raise ValidationError(
                    {
                        "cost_m": "Stairs, escalators and lifts between floors need a cost: "
                        "how many metres of walking they are worth."
                    }
                )
        if start.pk is None or end.pk is None:
            return
        joined = CorridorEdge.objects.filter(
            models.Q(start_id=start.pk, end_id=end.pk) | models.Q(start_id=end.pk, end_id=start.pk)
        )
        if self.pk is not None:
            joined = joined.exclude(pk=self.pk)
        if joined.exists():
            raise ValidationError(
                "These two points are already joined: change that corridor instead."
            )

    @property
    def length_m(self) -> float:
        """What walking it costs: staff's cost, else the straight length (one floor)."""
        if self.cost_m is not None:
            return self.cost_m
        return math.hypot(self.start.x - self.end.x, self.start.y - self.end.y)


def _end(edge: CorridorEdge, name: str) -> CorridorNode | None:
    """The edge's ``name`` end (a point, saved or not: the inline's start is the point
    being added), None when not chosen."""
    try:
        node: CorridorNode = getattr(edge, name)
    except CorridorNode.DoesNotExist:  # Django's RelatedObjectDoesNotExist
        return None
    return node


class CorridorVersion(models.Model):
    """One row: a number that every change of the corridors raises (``mall.walking``), so
    that each worker knows when its shortest-walk tables are out of date."""

    version = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "corridor version"

    def __str__(self) -> str:
        return f"corridors v{self.version}"


def corridors_changed(**_: object) -> None:
    """Raise the corridors' version (on every save and delete of a point or a corridor,
    cascades included): each worker reads the graph again at its next distance."""
    if not CorridorVersion.objects.filter(pk=1).update(version=F("version") + 1):
        CorridorVersion.objects.get_or_create(pk=1, defaults={"version": 1})


for _model in (CorridorNode, CorridorEdge):
    post_save.connect(corridors_changed, sender=_model, dispatch_uid=f"corridors_save_{_model}")
    post_delete.connect(corridors_changed, sender=_model, dispatch_uid=f"corridors_del_{_model}")

"""What the mall learns from its own traffic: unmet demand, conversion, footfall, and the
log of who looked at which shopper.

Everything but ``AccessLog`` is an anonymous counter from the moment it is written: no
shopper code, token, face or row per shopper, and no time finer than the hour. So it
survives every erasure. ``AccessLog`` names the shopper's code (that is its point) and is
deleted ``ACCESS_LOG_DAYS`` after the shopper is gone (``manage.py purge``).
"""

from django.conf import settings
from django.db import models


class DemandSource(models.TextChoices):
    WANT = "want", "want recorded"
    SEARCH = "search", "search"


class UnmetDemand(models.Model):
    """How many times, on one day, shoppers wanted something no shop had in stock (or had
    only as a similar item). One row per normalised want, day, source; a counter."""

    day = models.DateField()
    #: The want's name in the matching engine's words (``matching.engine.words``).
    want = models.CharField(max_length=200)
    #: Every word of the want (name and keywords), space separated: how a shop finds the
    #: wants near its own goods.
    words = models.CharField(max_length=400, blank=True)
    source = models.CharField(max_length=10, choices=DemandSource.choices)
    #: True when some shop had a similar item but none an exact match (DESIGN.md rule 7).
    similar_only = models.BooleanField(default=False)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day", "-count", "want"]
        verbose_name_plural = "unmet demand"
        constraints = [
            models.UniqueConstraint(
                fields=["day", "want", "source", "similar_only"], name="unique_unmet_demand"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.want} x{self.count}"


class ConversionEvent(models.TextChoices):
    CARD_SHOWN = "card_shown", "card shown"
    CARD_TAKEN = "card_taken", "card taken by a clerk"
    SALE_WITH_CODE = "sale_with_code", "sale with a code"
    HOLD_MADE = "hold_made", "hold made"
    HOLD_SOLD = "hold_sold", "hold sold"
    HOLD_EXPIRED = "hold_expired", "hold expired"


#: The two funnels, in order.
CARD_FUNNEL = (
    ConversionEvent.CARD_SHOWN,
    ConversionEvent.CARD_TAKEN,
    ConversionEvent.SALE_WITH_CODE,
)
HOLD_FUNNEL = (
    ConversionEvent.HOLD_MADE,
    ConversionEvent.HOLD_SOLD,
    ConversionEvent.HOLD_EXPIRED,
)


class ConversionDay(models.Model):
    """How many times one event of the conversion funnels happened at a shop on a day."""

    shop = models.ForeignKey("mall.Shop", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    event = models.CharField(max_length=20, choices=ConversionEvent.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day", "shop_id", "event"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "day", "event"], name="unique_conversion_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} shop {self.shop_id} {self.event} x{self.count}"


class FootfallHour(models.Model):
    """Sightings, check-ins and departures at one kiosk in one hour: one upserted row, so
    a sighting costs one cheap write here."""

    kiosk = models.ForeignKey("kiosks.Kiosk", on_delete=models.CASCADE, related_name="+")
    #: The start of the hour (UTC).
    hour = models.DateTimeField()
    sightings = models.PositiveIntegerField(default=0)
    #: Phones that checked in with the kiosk's code (each is also a sighting).
    checkins = models.PositiveIntegerField(default=0)
    #: Handhelds the kiosk reported gone out of its range.
    departures = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-hour", "kiosk_id"]
        verbose_name_plural = "footfall hours"
        constraints = [
            models.UniqueConstraint(fields=["kiosk", "hour"], name="unique_footfall_hour"),
        ]

    def __str__(self) -> str:
        return f"{self.hour:%Y-%m-%d %H}h kiosk {self.kiosk_id}: {self.sightings}"


#: Lower bounds (minutes) of the dwell buckets; the last one is open-ended.
DWELL_BUCKETS = (0, 5, 15, 30, 60, 120, 240)


class DwellDay(models.Model):
    """How long shoppers stayed (first to last sighting), counted per bucket and day when
    their data is erased. No row per shopper."""

    day = models.DateField()
    #: The bucket's lower bound in minutes (``DWELL_BUCKETS``).
    minutes_from = models.PositiveIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day", "minutes_from"]
        constraints = [
            models.UniqueConstraint(fields=["day", "minutes_from"], name="unique_dwell_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.minutes_from}+ min x{self.count}"


class AccessAction(models.TextChoices):
    CARD_SHOWN = "card_shown", "card shown on the shop's screens"
    SNAPSHOT = "snapshot", "listed on a screen, dashboard or shares list"
    WANTS_READ = "wants_read", "wants read (look-up)"
    FACE_VIEW = "face_view", "photo viewed"
    SHARE = "share", "shared with the shop"
    CARD_TAKEN = "card_taken", "card taken by a clerk"
    HOLD = "hold", "item held"
    SALE = "sale", "sale with the code"


class ActorKind(models.TextChoices):
    CLERK = "clerk", "clerk"
    KIOSK = "kiosk", "kiosk"
    SHOPPER = "shopper", "the shopper"


class AccessLog(models.Model):
    """One look at a shopper's card data or face, or one share, hold or sale with their
    code: who, which shop, which code, when. Read-only; deleted ``ACCESS_LOG_DAYS`` after
    the shopper is gone."""

    at = models.DateTimeField(db_index=True)
    action = models.CharField(max_length=20, choices=AccessAction.choices)
    shop = models.ForeignKey(
        "mall.Shop", null=True, on_delete=models.SET_NULL, related_name="+", db_index=True
    )
    #: Kept when the shop is deleted.
    shop_name = models.CharField(max_length=100)
    actor_kind = models.CharField(max_length=10, choices=ActorKind.choices)
    #: The clerk, when a clerk did it.
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    #: The clerk's username or the kiosk's name, kept when either is deleted.
    actor = models.CharField(max_length=150)
    #: The shopper while their data exists; None once they are erased.
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    customer_code = models.CharField(max_length=32, db_index=True)
    #: When the shopper's data was erased: the row is deleted ``ACCESS_LOG_DAYS`` later.
    customer_gone_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "access log entry"
        verbose_name_plural = "access log"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} @ {self.shop_name}: {self.customer_code}"

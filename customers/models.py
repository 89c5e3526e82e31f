"""Shoppers and what they want. Everything here is personal data and expires."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from customers.storage import face_storage


class PaymentMethod(models.TextChoices):
    CASH = "cash", "Cash"
    CARD = "card", "Card"
    MOBILE = "mobile", "Mobile"
    OTHER = "other", "Other"


class Ranking(models.TextChoices):
    NEAREST = "nearest", "Nearest first"
    CHEAPEST = "cheapest", "Cheapest first"


class Customer(models.Model):
    """A shopper who registered wants. Deleted on purchase of the last want, on departure
    from the mall, on expiry and on request, face file included."""

    #: The code the shopper shows or tells a clerk. Not a secret, but long enough that
    #: guessing one is hopeless at the rate look-ups are limited to (README, "Trust").
    code = models.CharField(max_length=12, unique=True)
    #: SHA-256 of the bearer token; the token itself is shown once and never stored.
    token_hash = models.CharField(max_length=64, unique=True)
    payment_method = models.CharField(max_length=10, choices=PaymentMethod.choices)
    ranking = models.CharField(max_length=10, choices=Ranking.choices, default=Ranking.NEAREST)
    #: Re-encoded JPEG without metadata, under the private media root; only with consent.
    face_image = models.ImageField(storage=face_storage, upload_to="faces/", blank=True)
    #: When the shopper agreed to their photo being shown to matching shops.
    consent_at = models.DateTimeField(null=True, blank=True)
    last_kiosk = models.ForeignKey(
        "kiosks.Kiosk", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_seen_at = models.DateTimeField(null=True, blank=True)
    #: The first sighting (for the anonymous dwell time counted when the shopper is erased).
    first_seen_at = models.DateTimeField(null=True, blank=True)
    #: Set when the last kiosk in range reported the shopper gone; cleared on a sighting.
    out_of_range_since = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.code


class DesiredProduct(models.Model):
    """A product a shopper wants, with how much they want it (1 = mildly, 5 = badly)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="desires")
    name = models.CharField(max_length=100)
    #: Other words for the same want, each matched on its own (a list of strings).
    keywords = models.JSONField(default=list, blank=True)
    level = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    #: Set by a shop the shopper shared with, e.g. "one pair kept for you until 6 pm".
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)
    #: No longer written or read: the in-memory index (``matching.index``) answers a want
    #: in microseconds, so what it answered is not kept on the want. Kept for a release
    #: so that a rollback to the previous code finds its column; then to be dropped.
    found = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-level", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5), name="desire_level_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Share(models.Model):
    """The shopper let this shop read their wants and receive their requests."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="shares")
    shop = models.ForeignKey("mall.Shop", on_delete=models.CASCADE, related_name="shares")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "shop"], name="unique_share"),
        ]

    def __str__(self) -> str:
        return f"{self.customer} -> {self.shop}"


class ShopRequest(models.Model):
    """A message from a shopper to a shop (e.g. "please keep one in size 42 for me")."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="requests")
    shop = models.ForeignKey("mall.Shop", on_delete=models.CASCADE, related_name="requests")
    text = models.CharField(max_length=500)
    reply = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.customer} -> {self.shop}: {self.text[:40]}"


class PairingTicketUse(models.Model):
    """A pairing ticket that was redeemed: a row, so that every worker refuses it again.
    Kept until the ticket would have expired anyway (``manage.py purge``)."""

    nonce = models.CharField(max_length=32, unique=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["expires_at"]

    def __str__(self) -> str:
        return self.nonce


class PairedSession(models.Model):
    """A browser session paired with a shopper, so that erasing the shopper deletes it."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.customer} @ {self.session_key[:6]}"

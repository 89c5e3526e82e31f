"""Kiosks (the shop client computers with a radio) and who is in range of them."""

import secrets

from django.db import models

#: Characters of a check-in code: no 0/O or 1/I/l, as it may be typed from a poster.
CHECKIN_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
CHECKIN_LENGTH = 12


def checkin_code_new() -> str:
    """A fresh check-in code: public (printed on a poster), unguessable, renewable."""
    return "".join(secrets.choice(CHECKIN_ALPHABET) for _ in range(CHECKIN_LENGTH))


class Kiosk(models.Model):
    """A client computer with a short-range radio, placed in a shop or anywhere in the mall.

    It talks to the server with an API key; only a hash of the key is kept.
    """

    name = models.CharField(max_length=100, unique=True)
    #: The shop the kiosk stands in; its position is then the shop's.
    shop = models.ForeignKey(
        "mall.Shop", null=True, blank=True, on_delete=models.CASCADE, related_name="kiosks"
    )
    #: Own position, for a kiosk outside any shop (entrance, corridor).
    floor = models.SmallIntegerField(null=True, blank=True)
    x = models.FloatField(null=True, blank=True)
    y = models.FloatField(null=True, blank=True)
    #: First characters of the key, to find the row without trying every hash.
    key_prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    is_active = models.BooleanField(default=True)
    #: The code in the kiosk's check-in QR code (``/here/<code>/``): a phone that opens it
    #: is sighted here. Renewing it voids every printed copy of the old one.
    checkin_code = models.CharField(max_length=20, unique=True, default=checkin_code_new)
    #: The entrance page (``/kiosk/``) registers shoppers at this kiosk when it is opened
    #: without ``?kiosk=``.
    is_entrance = models.BooleanField(
        default=False,
        help_text="The entrance page registers shoppers here (a sighting at this kiosk).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(shop__isnull=False)
                | models.Q(floor__isnull=False, x__isnull=False, y__isnull=False),
                name="kiosk_has_position",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def position(self) -> tuple[int, float, float]:
        """(floor, x, y) of the kiosk: its shop's, or its own."""
        shop = self.shop
        if shop is not None:
            return (shop.floor, shop.x, shop.y)
        # Without a shop it has its own (the constraint kiosk_has_position).
        assert self.floor is not None and self.x is not None and self.y is not None
        return (self.floor, self.x, self.y)


class Presence(models.Model):
    """A shopper in range of a kiosk, from their first sighting until the kiosk reports
    them gone."""

    kiosk = models.ForeignKey(Kiosk, on_delete=models.CASCADE, related_name="presences")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="presences"
    )
    arrived_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField()

    class Meta:
        ordering = ["-last_seen_at"]
        constraints = [
            models.UniqueConstraint(fields=["kiosk", "customer"], name="unique_presence"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} at {self.kiosk_id}"

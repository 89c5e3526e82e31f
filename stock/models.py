"""What the shops have on their shelves, and what they sold."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F
from django.utils import timezone


class StockItem(models.Model):
    """One product line of one shop: its own price and quantity (Oscar's stock record).

    An item at quantity zero or past its expiry leaves the match results.
    """

    shop = models.ForeignKey("mall.Shop", on_delete=models.CASCADE, related_name="stock")
    name = models.CharField(max_length=200)
    #: Other words shoppers may use for it (a list of strings), matched like the name.
    keywords = models.JSONField(default=list, blank=True)
    quantity = models.PositiveIntegerField(default=0)
    #: Units held for shoppers (``Hold``): on the shelf but offered to no one else. What is
    #: free is ``quantity - held`` (Oscar's ``num_allocated``).
    held = models.PositiveIntegerField(default=0, db_default=0)
    price = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    barcode = models.CharField(max_length=64, blank=True, db_index=True)
    registered_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["shop_id", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=0), name="stock_quantity_gte_0"
            ),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="stock_price_gte_0"),
            models.CheckConstraint(
                condition=models.Q(held__lte=F("quantity")), name="stock_held_lte_quantity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.shop_id})"

    @property
    def free(self) -> int:
        """Units on offer: on the shelf and not held for anyone."""
        return self.quantity - self.held

    def take(self, quantity: int, *, from_held: int = 0) -> bool:
        """Remove ``quantity`` units in one conditional UPDATE; False if fewer are free.

        ``from_held`` of them were held for the buyer (their holds are already ended by the
        caller): those come out of ``held`` too, the rest must be free. The condition sits
        in the UPDATE itself, so two concurrent sales or holds can never take the same unit
        and the row never goes below zero.
        """
        taken = StockItem.objects.filter(
            pk=self.pk, held__gte=from_held, quantity__gte=F("held") + (quantity - from_held)
        ).update(quantity=F("quantity") - quantity, held=F("held") - from_held)
        if taken:
            self.refresh_from_db(fields=["quantity", "held"])
        return bool(taken)

    def hold(self, quantity: int) -> bool:
        """Set ``quantity`` free units aside in one conditional UPDATE; False if fewer are
        free (or the item has expired)."""
        held = StockItem.objects.filter(
            pk=self.pk, quantity__gte=F("held") + quantity, expires_at__gt=timezone.now()
        ).update(held=F("held") + quantity)
        if held:
            self.refresh_from_db(fields=["quantity", "held"])
        return bool(held)

    def release(self, quantity: int) -> None:
        """Give back ``quantity`` held units (a hold ended without a sale)."""
        StockItem.objects.filter(pk=self.pk, held__gte=quantity).update(held=F("held") - quantity)
        self.refresh_from_db(fields=["quantity", "held"])


class Sale(models.Model):
    """A sale recorded by a clerk or a POS. Kept for reports, without personal data."""

    shop = models.ForeignKey("mall.Shop", on_delete=models.CASCADE, related_name="sales")
    item = models.ForeignKey(
        StockItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="sales"
    )
    #: Copied from the item, so the report survives the item's deletion.
    item_name = models.CharField(max_length=200)
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    #: How many wants of a shopper this sale fulfilled (the shopper is not kept).
    wants_fulfilled = models.PositiveSmallIntegerField(default=0)
    sold_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-sold_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.item_name}"


class Hold(models.Model):
    """Units of a shop's item kept for one shopper until a time ("one pair kept for you
    until 6 pm"). Counted in the item's ``held``; ends on the shopper's sale, on expiry,
    or when the clerk or the shopper cancels it. Personal data: it goes with the shopper."""

    item = models.ForeignKey(StockItem, on_delete=models.CASCADE, related_name="holds")
    shop = models.ForeignKey("mall.Shop", on_delete=models.CASCADE, related_name="holds")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="holds"
    )
    quantity = models.PositiveIntegerField()
    until = models.DateTimeField(db_index=True)
    #: The clerk who made it (None: the shopper accepted an alternative, or a POS).
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["until", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="hold_quantity_gte_1"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.item_id} for {self.customer_id}"


class Alternative(models.Model):
    """A shop offers a shopper another of its items for one of their wants ("we have it in
    blue"). Accepted, it becomes a hold; the shopper may dismiss it."""

    desire = models.ForeignKey(
        "customers.DesiredProduct", on_delete=models.CASCADE, related_name="alternatives"
    )
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="alternatives"
    )
    item = models.ForeignKey(StockItem, on_delete=models.CASCADE, related_name="alternatives")
    shop = models.ForeignKey("mall.Shop", on_delete=models.CASCADE, related_name="alternatives")
    #: What the clerk says about it, e.g. "same shoe, in blue".
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.item_id} for want {self.desire_id}"

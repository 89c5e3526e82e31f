"""What the shops have on their shelves, and what they sold."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F


class StockItem(models.Model):
    """One product line of one shop: its own price and quantity (Oscar's stock record).

    An item at quantity zero or past its expiry leaves the match results.
    """

    shop = models.ForeignKey("mall.Shop", on_delete=models.CASCADE, related_name="stock")
    name = models.CharField(max_length=200)
    #: Other words shoppers may use for it (a list of strings), matched like the name.
    keywords = models.JSONField(default=list, blank=True)
    quantity = models.PositiveIntegerField(default=0)
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
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.shop_id})"

    def take(self, quantity: int) -> bool:
        """Remove ``quantity`` units in one conditional UPDATE; False if fewer are left.

        The condition sits in the UPDATE itself, so two concurrent sales can never take the
        same unit and the row never goes below zero.
        """
        taken = StockItem.objects.filter(pk=self.pk, quantity__gte=quantity).update(
            quantity=F("quantity") - quantity
        )
        if taken:
            self.refresh_from_db(fields=["quantity"])
        return bool(taken)


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

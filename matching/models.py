"""The matching index (vocabulary and postings), synonyms, and the live cards."""

from django.conf import settings
from django.db import models


class SynonymGroup(models.Model):
    """Words that mean the same to shoppers, one Solr line: ``sneakers, trainers``."""

    words = models.CharField(max_length=500, help_text="Comma-separated: sneakers, trainers")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["words"]

    def __str__(self) -> str:
        return self.words

    def word_list(self) -> list[str]:
        return [word.strip() for word in self.words.split(",") if word.strip()]


class Term(models.Model):
    """A word of the stock vocabulary, in its matching form (see ``matching.engine``).

    Typo lookups search this table (by first letter and length), never the stock itself.
    Text of any length: a name of 200 characters may be one word, the index also holds
    adjacent words joined, and normalising can lengthen a word ("ß" becomes "ss").
    """

    word = models.TextField(unique=True)
    first = models.CharField(max_length=1)
    length = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["word"]
        indexes = [models.Index(fields=["first", "length"], name="term_first_length")]

    def __str__(self) -> str:
        return self.word


class ItemTerm(models.Model):
    """Posting: stock item ``item`` contains term ``term``.

    The postings as the database keeps them, for SQL readers and audits; sightings and
    searches use each worker's in-memory index (``matching.index``), built from the stock
    rows. Indexed by item only: nothing looks postings up by term any more, and each
    index on this table is paid for by every import row (millions of postings).
    """

    item = models.ForeignKey("stock.StockItem", on_delete=models.CASCADE, related_name="terms")
    #: Not indexed: nothing looks postings up by term any more (see above).
    term = models.ForeignKey(
        Term, on_delete=models.CASCADE, related_name="postings", db_index=False
    )

    class Meta:
        ordering = ["term_id", "item_id"]

    def __str__(self) -> str:
        return f"{self.term_id}:{self.item_id}"


class IndexVersion(models.Model):
    """One row whose ``token`` changes, to a new random value, with every write to the
    postings or the synonyms.

    No longer read by matching: the token said that something changed, not what, and
    most stock writes (sales, holds, prices, deletions) never changed it; the workers'
    in-memory indexes follow ``IndexChange`` instead, and key what they remember by the
    synonym table's content. Still written, for SQL readers that watch the postings.
    """

    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.token


class Card(models.Model):
    """A customer card live on a shop's screens: the shopper was sighted and this shop
    stocks something they want. Withdrawn (deleted) when that stops being true."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="cards"
    )
    shop = models.ForeignKey("mall.Shop", on_delete=models.CASCADE, related_name="cards")
    #: Distance in metres from where the shopper was seen to the shop.
    distance_m = models.FloatField()
    #: The wants this shop can serve: [{"id", "name", "level"}].
    desires = models.JSONField(default=list)
    seen_at = models.DateTimeField()
    #: The clerk serving this shopper ("I'll serve them"); None until one takes the card.
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-seen_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "shop"], name="unique_card"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} @ {self.shop_id}"


class IndexChange(models.Model):
    """A stock item or a shop was written: one row per row changed, added by the database
    itself (triggers on the stock and shop tables, migration 0004), whoever wrote it (a
    service, an import, the admin, a sale's conditional UPDATE, a hold).

    Each worker's in-memory index (``matching.index``) reads the rows after the last one it
    applied and reloads those items from the database, which stays the truth.
    """

    #: The stock item written (inserted, updated or deleted), or null for a shop.
    item_id = models.BigIntegerField(null=True)
    #: The shop written, or null for a stock item.
    shop_id = models.BigIntegerField(null=True)
    #: A corridor point or corridor staff drew (``mall.walking``): walking distances change.
    corridor_id = models.BigIntegerField(null=True)
    #: Random: a rolled-back change may leave its id to a later one (SQLite reuses it), and
    #: a worker that applied the first must notice that the second is another row.
    nonce = models.BigIntegerField()
    #: PostgreSQL: the writing transaction's id. Ids are taken in insert order but become
    #: visible in commit order, so a worker also rereads the rows of transactions that were
    #: still running at its last read.
    tx = models.BigIntegerField(null=True, db_index=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.pk}: item {self.item_id} shop {self.shop_id}"

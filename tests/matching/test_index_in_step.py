"""The in-memory index (``matching.index``) follows every write to stock, whoever makes it:
database triggers log the rows written (``IndexChange``), and each use reads that log."""

import pytest
from django.db import connection, transaction

from matching import engine
from matching.selectors import index_forget, items_search
from matching.synonyms import synonyms_current
from stock.models import StockItem
from tests.factories import ShopFactory, make_item
from workflows.restock import stock_item_delete, stock_item_update
from workflows.sales import sale_record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_index")]

HERE = engine.Position(0, 0.0, 0.0)


def found(name="red scarf"):
    """Exact matches only (``blue hat`` finds ``green hat`` as similar)."""
    page = items_search(name=name, at=HERE, limit=200)
    return {hit.item.pk: hit for hit in page.hits if not hit.similar}


def test_asked_again_only_the_change_log_is_read(django_assert_num_queries):
    item = make_item(ShopFactory(), "red scarf")
    assert set(found()) == {item.pk}
    synonyms_current()
    # The synonym table and the change log: nothing of the stock itself.
    with django_assert_num_queries(2):
        assert set(found()) == {item.pk}


def test_a_new_item_is_found_at_once():
    shop = ShopFactory()
    first = make_item(shop, "red scarf")
    assert set(found()) == {first.pk}
    second = make_item(shop, "red wool scarf")
    assert set(found()) == {first.pk, second.pk}


def test_a_renamed_item_is_found_by_its_new_name_only():
    item = make_item(ShopFactory(), "red scarf")
    assert set(found()) == {item.pk}
    stock_item_update(item=item, changes={"name": "blue hat"})
    assert found() == {}
    assert set(found("blue hat")) == {item.pk}


def test_a_deleted_item_is_never_offered():
    item = make_item(ShopFactory(), "red scarf")
    assert set(found()) == {item.pk}
    stock_item_delete(item=item)
    assert found() == {}


def test_the_last_unit_sold_leaves_the_results():
    shop = ShopFactory()
    item = make_item(shop, "red scarf", quantity=1)
    assert set(found()) == {item.pk}
    sale_record(shop=shop, item_id=item.pk, quantity=1)
    assert found() == {}


def test_a_write_by_another_process_in_plain_sql_is_seen():
    # No service, no signal: only the database knows (as with another worker, or a POS
    # writing through its own connection).
    item = make_item(ShopFactory(), "red scarf", quantity=4, price="10.00")
    assert found()[item.pk].item.quantity == 4
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {StockItem._meta.db_table} SET quantity = 9, price = 7.5 WHERE id = %s",
            [item.pk],
        )
    hit = found()[item.pk]
    assert (hit.item.quantity, str(hit.item.price)) == (9, "7.50")


def test_a_rolled_back_write_never_stays_in_the_index():
    shop = ShopFactory()
    make_item(shop, "green hat")
    with pytest.raises(RuntimeError), transaction.atomic():
        gone = make_item(shop, "red scarf")
        assert set(found()) == {gone.pk}  # the writer sees its own write
        raise RuntimeError("roll back")
    # The next write may reuse the rolled-back rows' ids for an item that is not a scarf.
    other = make_item(shop, "blue hat")
    assert found() == {}
    assert set(found("blue hat")) == {other.pk}


def test_a_cold_start_sees_what_was_written_before_it():
    shop = ShopFactory()
    items = [make_item(shop, f"red scarf {n}") for n in range(3)]
    index_forget()
    assert set(found()) == {item.pk for item in items}


def test_a_trimmed_change_log_makes_a_worker_load_afresh_and_lose_nothing():
    from matching.services import index_changes_trim

    shop = ShopFactory()
    first = make_item(shop, "red scarf")
    assert set(found()) == {first.pk}  # this worker has applied the log so far
    second = make_item(shop, "red wool scarf")
    index_changes_trim(keep=0)  # purge: even the rows not yet applied are gone

    assert set(found()) == {first.pk, second.pk}


def test_a_migrate_puts_back_change_triggers_that_a_table_rebuild_dropped():
    # SQLite rebuilds a table for some column changes (stock 0002 did): its triggers go.
    from matching.index.triggers import triggers_drop, triggers_ensure, triggers_present

    triggers_drop(connection)
    assert triggers_present(connection) == set()

    triggers_ensure(using="default")  # what post_migrate calls

    assert len(triggers_present(connection)) == 12  # stock, shops, corridor points, corridors
    item = make_item(ShopFactory(), "red scarf")
    assert set(found()) == {item.pk}

"""Footfall: sightings, check-ins and departures per kiosk and hour; dwell counted at
erasure, anonymously; and what a sighting costs the database for it."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customers.models import Customer
from reports.models import DwellDay, FootfallHour
from reports.selectors import dwell_distribution, footfall_days, footfall_heat
from reports.services import dwell_bucket, footfall_count
from tests.factories import ShopFactory, make_customer, make_item, make_kiosk
from workflows.shoppers import customer_delete
from workflows.sightings import customer_depart, customer_sight

pytestmark = pytest.mark.django_db


def test_each_sighting_adds_one_to_its_kiosks_hour():
    kiosk = make_kiosk(name="Entrance", floor=0, x=0, y=0).kiosk
    first, second = make_customer("kite").customer, make_customer("drone").customer

    customer_sight(kiosk=kiosk, customer=first)
    customer_sight(kiosk=kiosk, customer=second)
    customer_sight(kiosk=kiosk, customer=first)

    row = FootfallHour.objects.get()
    assert (row.kiosk, row.sightings, row.checkins, row.departures) == (kiosk, 3, 0, 0)
    assert row.hour == timezone.now().replace(minute=0, second=0, microsecond=0)


def test_a_departure_and_a_checkin_are_counted_in_the_same_row():
    kiosk = make_kiosk(name="Entrance", floor=0, x=0, y=0).kiosk
    shopper = make_customer("kite").customer
    customer_sight(kiosk=kiosk, customer=shopper)

    footfall_count(kiosk_id=kiosk.pk, checkins=1)
    customer_depart(kiosk=kiosk, customer=shopper)

    row = FootfallHour.objects.get()
    assert (row.sightings, row.checkins, row.departures) == (1, 1, 1)


def test_hours_are_separate_rows_and_the_heat_strip_puts_them_at_their_hour():
    kiosk = make_kiosk(name="Entrance", floor=0, x=0, y=0).kiosk
    now = timezone.now()
    footfall_count(kiosk_id=kiosk.pk, sightings=2, now=now)
    footfall_count(kiosk_id=kiosk.pk, sightings=5, now=now - timedelta(hours=1))

    heat = dict(footfall_heat(since=timezone.localdate() - timedelta(days=1)))
    days = footfall_days(since=timezone.localdate() - timedelta(days=1))

    assert FootfallHour.objects.count() == 2
    assert heat["Entrance"][timezone.localtime(now).hour] == 2
    assert sum(heat["Entrance"]) == 7
    assert sum(day[1] for day in days) == 7


def test_a_repeated_sighting_writes_one_counter_row_and_nothing_else_of_the_reports():
    shop = ShopFactory()
    make_item(shop, "Running Shoes")
    kiosk = make_kiosk(shop).kiosk
    shopper = make_customer("running shoes").customer
    customer_sight(kiosk=kiosk, customer=shopper)

    with CaptureQueriesContext(connection) as queries:
        customer_sight(kiosk=kiosk, customer=shopper)

    writes = [
        q["sql"]
        for q in queries.captured_queries
        if "reports_" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
    ]
    assert len(writes) == 1
    assert writes[0].startswith('INSERT INTO "reports_footfallhour"')


@pytest.mark.parametrize(
    ("minutes", "bucket"), [(0, 0), (4.9, 0), (5, 5), (29, 15), (61, 60), (600, 240)]
)
def test_dwell_buckets(minutes, bucket):
    assert dwell_bucket(minutes) == bucket


def test_erasing_a_sighted_shopper_counts_their_stay_and_keeps_nothing_of_them():
    kiosk = make_kiosk(name="Entrance", floor=0, x=0, y=0).kiosk
    shopper = make_customer("kite").customer
    customer_sight(kiosk=kiosk, customer=shopper)
    Customer.objects.filter(pk=shopper.pk).update(
        first_seen_at=timezone.now() - timedelta(minutes=40)
    )
    customer_sight(kiosk=kiosk, customer=Customer.objects.get(pk=shopper.pk))

    customer_delete(customer=Customer.objects.get(pk=shopper.pk))

    assert list(DwellDay.objects.values_list("minutes_from", "count")) == [(30, 1)]
    assert dict(dwell_distribution(since=timezone.localdate()))["30-60"] == 1
    assert {f.name for f in DwellDay._meta.get_fields()} == {"id", "day", "minutes_from", "count"}


def test_a_shopper_never_sighted_adds_no_stay():
    customer_delete(customer=make_customer("kite").customer)

    assert not DwellDay.objects.exists()


def test_the_first_sighting_is_kept_across_later_ones():
    kiosk = make_kiosk(name="Entrance", floor=0, x=0, y=0).kiosk
    shopper = make_customer("kite").customer
    customer_sight(kiosk=kiosk, customer=shopper)
    first = Customer.objects.get(pk=shopper.pk).first_seen_at

    customer_sight(kiosk=kiosk, customer=Customer.objects.get(pk=shopper.pk))

    again = Customer.objects.get(pk=shopper.pk)
    assert again.first_seen_at == first
    assert again.last_seen_at > first


def test_a_phones_checkin_counts_a_checkin_and_a_sighting_at_that_kiosk():
    from workflows.sightings import customer_checkin

    kiosk = make_kiosk(ShopFactory(), name="Shop kiosk").kiosk
    shopper = make_customer("kite").customer

    customer_checkin(code=kiosk.checkin_code, customer=shopper)

    row = FootfallHour.objects.get()
    assert (row.kiosk, row.sightings, row.checkins, row.departures) == (kiosk, 1, 1, 0)


def test_im_leaving_counts_a_departure_at_the_last_kiosk():
    from workflows.sightings import customer_leave

    kiosk = make_kiosk(name="Entrance", floor=0, x=0, y=0).kiosk
    shopper = make_customer("kite").customer
    customer_sight(kiosk=kiosk, customer=shopper)

    customer_leave(customer=Customer.objects.get(pk=shopper.pk))

    assert FootfallHour.objects.get().departures == 1

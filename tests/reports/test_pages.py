"""The report pages: staff's in the admin, a shop's own; charts drawn as SVG beside their
numbers, a CSV of every table, safe to open in a spreadsheet."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from reports.exports import csv_safe
from reports.models import ConversionEvent, UnmetDemand
from reports.services import conversion_count, footfall_count
from tests.factories import MembershipFactory, ShopFactory, make_item, make_kiosk

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = get_user_model().objects.create_superuser("boss", password="pass-word-123")
    client.force_login(user)
    return client


@pytest.fixture
def filled():
    shop = ShopFactory(slug="sole", name="Sole Mates")
    make_item(shop, "Running Shoes")
    kiosk = make_kiosk(shop, name="Sole kiosk").kiosk
    today = timezone.localdate()
    UnmetDemand.objects.create(
        day=today, want="dance shoe", words="dance shoe", source="want", count=3
    )
    UnmetDemand.objects.create(day=today, want="=HYPERLINK(1)", source="search", count=1)
    conversion_count(shop_id=shop.pk, event=ConversionEvent.CARD_SHOWN, n=8)
    conversion_count(shop_id=shop.pk, event=ConversionEvent.SALE_WITH_CODE, n=2)
    footfall_count(kiosk_id=kiosk.pk, sightings=12, checkins=2, departures=1)
    return shop


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_admin_index_links_the_reports(staff):
    assert 'href="/admin/reports/"' in staff.get("/admin/").text


def test_the_staff_page_draws_every_chart_as_inline_svg_with_its_numbers(staff, filled):
    page = staff.get("/admin/reports/?days=7")

    assert page.status_code == 200
    html = page.text
    assert html.count('<svg class="chart"') == 6
    assert "<script" not in html.split("<svg", 1)[1]  # the charts run nothing
    assert "<style" not in html
    for number_and_label in ("dance shoe", "Sole Mates", "Sole kiosk", ">12<", ">8<"):
        assert number_and_label in html
    assert "card shown: 8" in html


def test_the_reports_are_for_staff_only(client, filled):
    client.force_login(MembershipFactory(shop=filled).user)

    response = client.get("/admin/reports/")

    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert client.get("/admin/reports/demand.csv").status_code == 302


@pytest.mark.parametrize("days", ["0", "abc", "3650", "-7"])
def test_a_bad_period_is_a_400_in_the_error_shape(staff, days):
    response = staff.get(f"/admin/reports/?days={days}")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_period"


def test_an_unknown_csv_is_a_404_in_the_error_shape(staff):
    response = staff.get("/admin/reports/secrets.csv")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_csv_has_the_tables_numbers_and_defuses_formulas(staff, filled):
    response = staff.get("/admin/reports/demand.csv?days=7")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response)
    assert rows[0] == ["want", "times wanted", "times searched", "only similar", "last day"]
    assert ["dance shoe", "3", "0", "0", timezone.localdate().isoformat()] in rows
    assert ["'=HYPERLINK(1)", "0", "1", "0", timezone.localdate().isoformat()] in rows


def test_every_staff_table_exports(staff, filled):
    for name in ("demand", "demand_days", "conversion", "footfall", "footfall_hours", "dwell"):
        response = staff.get(f"/admin/reports/{name}.csv?days=30")
        assert response.status_code == 200, name
        assert len(csv_rows(response)) >= 2, name


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+41 79", "'+41 79"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("kite", "kite"),
        (7, "7"),
        (None, ""),
    ],
)
def test_csv_cells_that_look_like_formulas_are_escaped(value, cell):
    assert csv_safe(value) == cell


def test_a_clerk_sees_their_shops_slice_and_its_csv(client, filled):
    client.force_login(MembershipFactory(shop=filled).user)

    page = client.get("/shop/sole/reports/")
    near = client.get("/shop/sole/reports/demand.csv")
    days = client.get("/shop/sole/reports/conversion.csv?days=7")

    assert page.status_code == 200
    assert page.text.count('<svg class="chart"') == 3
    assert "dance shoe" in page.text
    assert [row[0] for row in csv_rows(near)[1:]] == ["dance shoe"]  # near its goods only
    assert csv_rows(days)[-1][:2] == [timezone.localdate().isoformat(), "8"]


def test_a_clerk_of_another_shop_gets_neither_page_nor_csv(client, filled):
    client.force_login(MembershipFactory(shop=ShopFactory(slug="other")).user)

    assert client.get("/shop/sole/reports/").status_code == 403
    assert client.get("/shop/sole/reports/demand.csv").status_code == 403


def test_the_dashboard_lists_the_wants_near_the_shops_goods(client, filled):
    UnmetDemand.objects.create(
        day=timezone.localdate() - timedelta(days=30),
        want="old shoe",
        words="old shoe",
        source="want",
        count=9,
    )
    client.force_login(MembershipFactory(shop=filled).user)

    page = client.get("/shop/sole/").text

    assert "dance shoe" in page and "old shoe" not in page
    assert 'href="/shop/sole/reports/"' in page


def test_the_card_funnel_gives_each_step_as_a_share_of_the_one_before_and_holds_of_the_first():
    from reports.charts import funnel

    cards = funnel([("shown", 10), ("taken", 5), ("sold", 2)], title="cards")
    holds = funnel([("made", 4), ("sold", 1), ("expired", 3)], title="holds", of_first=True)

    assert [label["text"] for label in cards.labels] == [
        "shown: 10",
        "taken: 5 (50% of shown)",
        "sold: 2 (40% of taken)",
    ]
    assert [label["text"] for label in holds.labels][1:] == [
        "sold: 1 (25% of made)",
        "expired: 3 (75% of made)",
    ]


def test_bars_scale_to_a_round_axis_and_keep_each_value():
    from reports.charts import bars

    chart = bars(["a", "b"], [("n", [3, 0])], title="t")

    ticks = [label["text"] for label in chart.labels if label["anchor"] == "end"]
    rects = [shape for shape in chart.shapes if shape["kind"] == "rect"]
    assert ticks == ["0", "2", "4"]
    assert [rect["tip"] for rect in rects] == ["a: 3 n", "b: 0 n"]
    assert rects[0]["h"] > 0 and rects[1]["h"] == 0

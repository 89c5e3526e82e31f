"""The demo mall opens on reports with two weeks of history, and its walkers add today's
numbers through the real counters."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from demo.services import demo_load
from reports.demo import MISSING
from reports.models import ConversionDay, DwellDay, FootfallHour, UnmetDemand

pytestmark = pytest.mark.django_db


def test_the_demo_fills_thirteen_days_before_today_once():
    demo = demo_load()
    first = (UnmetDemand.objects.count(), ConversionDay.objects.count())

    demo_load()  # a second run adds nothing

    today = timezone.localdate()
    days = set(ConversionDay.objects.values_list("day", flat=True))
    assert len(days) == 13 and today not in days
    assert FootfallHour.objects.filter(kiosk__name="Entrance").exists()
    assert DwellDay.objects.exists()
    assert (UnmetDemand.objects.count(), ConversionDay.objects.count()) == first
    assert set(MISSING[:4]) <= set(demo.products)  # walkers want some of what no shop has


def test_the_demo_shops_see_missing_wants_near_their_goods_on_the_report_page(client):
    demo = demo_load()
    client.force_login(get_user_model().objects.get(username=demo.admin[0]))

    page = client.get("/admin/reports/?days=14").text
    shop_page_user = get_user_model().objects.get(username=demo.clerk[0])
    client.force_login(shop_page_user)
    shop_page = client.get(f"/shop/{demo.clerk[2]}/reports/?days=14").text

    assert "gaming laptop" in page and "Sole Mates" in page
    assert "dance shoe" in shop_page  # Sole Mates sells shoes

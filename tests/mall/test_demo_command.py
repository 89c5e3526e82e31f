"""``manage.py demo``: loads a demo mall once (re-runs add nothing), prints working logins
and a kiosk key, serves with the purge and the extensions beside the server."""

from __future__ import annotations

import io
import json
import sys
import types

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from demo import services as demo_module
from kiosks.models import Kiosk
from mall.models import Membership, Shop
from matching.models import SynonymGroup
from stock.models import StockItem
from tests.helpers import sight

pytestmark = pytest.mark.django_db


def run_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", "--no-serve", *args, stdout=out)
    return out.getvalue()


def printed(out: str, label: str) -> str:
    """The password after ``label`` in the demo's output (``Admin: admin / PASSWORD``)."""
    line = next(line for line in out.splitlines() if line.strip().startswith(label))
    return line.rsplit(" / ", 1)[1].strip()


def test_demo_loads_ten_shops_on_two_floors_with_stock_kiosks_and_synonyms():
    run_demo()

    assert Shop.objects.count() == 10
    assert set(Shop.objects.values_list("floor", flat=True)) == {0, 1}
    assert 300 <= StockItem.objects.count() <= 400
    assert Kiosk.objects.count() == 11
    assert SynonymGroup.objects.exists()


def test_demo_draws_corridors_that_make_a_walk_longer_than_the_straight_line():
    from mall.models import CorridorEdge
    from mall.walking import walk_distance, walk_route

    run_demo()
    run_demo()  # drawn once

    assert CorridorEdge.objects.count() == len(demo_module.DEMO_WAYS)
    entrance = Kiosk.objects.get(is_entrance=True).position
    books = Shop.objects.get(slug="page-turner")
    walked = walk_distance(entrance, (books.floor, books.x, books.y))
    assert walked is not None and walked > 40 + 10  # straight: about 41 m
    upstairs = Shop.objects.get(slug="home-nest")
    kinds = [step.kind for step in walk_route(entrance, (1, upstairs.x, upstairs.y)) or []]
    assert "stairs" in kinds  # 12 m of stairs beat the 25 m lift from the west


def test_demo_run_twice_duplicates_nothing():
    run_demo()
    counts = (Shop.objects.count(), StockItem.objects.count(), Kiosk.objects.count())

    out = run_demo()

    assert (Shop.objects.count(), StockItem.objects.count(), Kiosk.objects.count()) == counts
    assert Membership.objects.count() == 1
    assert get_user_model().objects.count() == 2
    assert "(0 new)" in out


def test_demo_run_again_restores_purged_stock():
    run_demo()
    total = StockItem.objects.count()
    StockItem.objects.filter(shop__slug="sole-mates").delete()

    run_demo()

    assert StockItem.objects.count() == total


def test_printed_logins_work_for_clerk_and_admin():
    out = run_demo()

    clerk = Client()
    assert clerk.login(username="clerk", password=printed(out, "Clerk of"))
    admin = Client()
    assert admin.login(username="admin", password=printed(out, "Admin:"))
    assert admin.get("/admin/").status_code == 200


def test_printed_curl_example_gets_offers(api):
    out = run_demo()
    key = next(line for line in out.splitlines() if "KEY=" in line).split("=", 1)[1]
    registration = next(line for line in out.splitlines() if "-d '{" in line)
    body = json.loads(registration.split("'")[1])
    token = api.post("/api/customers/", body, format="json").json()["token"]

    answer = sight(api, token, key=key)

    assert answer.status_code == 200
    assert answer.json()["results"][0]["offers"], "the example want matches demo stock"


@pytest.fixture
def extension(monkeypatch):
    """A demo extension module that records how the demo used it."""
    module = types.ModuleType("tests_demo_extension")
    module.calls = []

    def add_demo_arguments(parser):
        parser.add_argument("--no-fireworks", action="store_true")

    def start_demo(*, demo, base_url, options):
        module.calls.append(("start", len(demo.kiosk_keys), base_url, options["no_fireworks"]))
        return lambda: module.calls.append(("stop",))

    module.add_demo_arguments = add_demo_arguments
    module.start_demo = start_demo
    monkeypatch.setitem(sys.modules, "tests_demo_extension", module)
    monkeypatch.setattr(demo_module, "DEMO_EXTENSIONS", ["tests_demo_extension", "no.such.mod"])
    return module


def test_extension_adds_its_option_and_is_started_and_stopped_around_the_server(
    extension, monkeypatch
):
    served = []
    monkeypatch.setattr(
        "daphne.cli.CommandLineInterface.run", lambda self, argv: served.append(argv)
    )
    # The purge loop runs in a thread with its own connection: here it only says it ran,
    # since the test's open transaction would keep that connection waiting.
    purges = []

    def purge_loop(*, every, report, stop):
        purges.append(every)
        stop.wait(10)
        purges.append("stopped" if stop.is_set() else "still running")

    monkeypatch.setattr(demo_module, "data_purge_repeat", purge_loop)

    call_command("demo", "--port", "8123", "--no-fireworks", stdout=io.StringIO())

    assert served == [["-b", "127.0.0.1", "-p", "8123", "config.asgi:application"]]
    assert extension.calls == [("start", 11, "http://127.0.0.1:8123", True), ("stop",)]
    assert purges == [30.0, "stopped"]


def test_demo_prints_a_working_phone_checkin_and_marks_its_entrance():
    out = run_demo()

    line = next(line for line in out.splitlines() if "Phone check-in at" in line)
    path = "/" + line.split("/", 3)[3].strip()
    page = Client().get(path)
    assert page.status_code == 200
    assert b"Check in at" in page.content
    assert Kiosk.objects.get(is_entrance=True).name == demo_module.ENTRANCE_KIOSK

"""Serving a shopper in a real browser: a share reaches the dashboard live; a hold made on
the dashboard reaches the paired phone live; the clerk takes a card; a scan restocks."""

from __future__ import annotations

from typing import Any

import pytest

from tests.pages.conftest import Server
from tests.pages.test_browser import BARCODE, card, dashboard, register_at_kiosk

pytestmark = pytest.mark.browser


def paired_phone(open_page: Any, shopper: dict[str, str]) -> Any:
    phone = open_page(mobile=True)
    phone.goto(shopper["pair_url"])
    phone.wait_for_url("**/me/")
    phone.wait_for_selector("#live-status[data-state=live]")
    return phone


def test_share_from_the_phone_appears_on_the_dashboard_live(open_page, tmp_path):
    shopper = register_at_kiosk(open_page(), tmp_path, "running shoes")
    phone = paired_phone(open_page, shopper)
    clerk = dashboard(open_page, "ann")

    phone.select_option("#shop-choice", "shoes")
    phone.click("#share")

    shared = clerk.locator(f'#shares .share[data-customer="{shopper["code"]}"]')
    shared.wait_for(state="visible")
    assert "running shoes" in shared.inner_text()
    assert int(clerk.inner_text("#share-count")) >= 1

    # And when the shopper stops sharing, the dashboard drops them
    phone.locator('#my-shares .share[data-shop="shoes"] button').click()
    shared.wait_for(state="detached")


def test_hold_made_on_the_dashboard_appears_on_the_paired_phone(
    open_page, server: Server, tmp_path
):
    shopper = register_at_kiosk(open_page(), tmp_path, "running shoes")
    phone = paired_phone(open_page, shopper)
    clerk = dashboard(open_page, "ann")
    server.sight(shopper["token"])
    card(clerk, shopper["code"]).wait_for(state="visible")

    card(clerk, shopper["code"]).locator("button.hold").click()
    shoes = clerk.locator("#hold-item option", has_text="Running Shoes")
    clerk.select_option("#hold-item", shoes.get_attribute("value"))
    clerk.fill("#hold-quantity", "2")
    clerk.click("#hold-submit")

    held = phone.locator("#holds .hold-row")
    held.wait_for(state="visible")
    assert "Shoe Shop" in held.inner_text() and "2 \u00d7 Running Shoes" in held.inner_text()
    card(clerk, shopper["code"]).locator(".holds li").wait_for(state="visible")
    assert "Kept: 2 \u00d7 Running Shoes" in card(clerk, shopper["code"]).inner_text()

    # And the shopper's cancel frees the units on the dashboard too
    held.locator("button").click()
    held.wait_for(state="detached")
    card(clerk, shopper["code"]).locator(".holds li").wait_for(state="detached")


def test_taking_a_card_shows_who_serves_on_another_screen(open_page, server: Server, tmp_path):
    shopper = register_at_kiosk(open_page(), tmp_path, "running shoes")
    first = dashboard(open_page, "ann")
    screen = open_page(clerk="ann")
    screen.goto("/shop/shoes/screen/")
    screen.wait_for_selector("#live-status[data-state=live]")
    server.sight(shopper["token"])
    card(first, shopper["code"]).wait_for(state="visible")

    card(first, shopper["code"]).locator("button.take").click()

    taken = card(screen, shopper["code"]).locator(".taken")
    taken.wait_for(state="visible")
    assert taken.inner_text() == "Served by ann"


def test_scan_finds_the_item_and_restocks_it_in_one_step(open_page):
    clerk = dashboard(open_page, "ann")

    clerk.fill("#scan-barcode", BARCODE)
    clerk.press("#scan-barcode", "Enter")
    clerk.locator("#scan-result .scan-found").wait_for()
    before = clerk.inner_text("#scan-result .scan-found")
    clerk.fill("#scan-count", "3")
    clerk.click("#scan-restock")

    clerk.locator("#scan-result .message", has_text="Restocked").wait_for()
    assert before != clerk.inner_text("#scan-result .scan-found")


def test_dashboard_and_phone_fit_a_phone_screen(open_page, tmp_path):
    shopper = register_at_kiosk(open_page(), tmp_path, "running shoes")
    phone = paired_phone(open_page, shopper)
    clerk = open_page(mobile=True, clerk="ann")
    clerk.goto("/shop/")
    clerk.wait_for_selector("#live-status[data-state=live]")

    for page in (phone, clerk):
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0

"""Reach in a real browser: the entrance page's list, and a phone checking in at a shop's
QR code, paired or not (DESIGN.md, flows 2 and 3b)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.pages.conftest import Server

pytestmark = pytest.mark.browser


def fill_wants(page: Any, *wants: str) -> None:
    names = page.locator("input[name=want_name]")
    for index, want in enumerate(wants):
        if index >= names.count():
            page.click("#add-want")
        names.nth(index).fill(want)
    page.check("input[name=payment_method][value=card]")


def offers_of(page: Any, want: str) -> list[str]:
    """The shop names listed for ``want``, in order."""
    block = page.locator(f'#results .result[data-desire="{want}"]')
    block.locator(".offer").first.wait_for()
    return [name.strip() for name in block.locator(".offer .shop").all_inner_texts()]


def test_entrance_result_page_lists_the_shops_at_once(open_page: Any) -> None:
    page = open_page()
    page.goto("/kiosk/")
    fill_wants(page, "umbrella", "garden gnome")

    page.click("#submit")
    page.wait_for_url("**/kiosk/done/")

    assert offers_of(page, "umbrella") == ["Rain Shop"]
    gnome = page.locator('#results .result[data-desire="garden gnome"]')
    assert "Nothing in the mall matches “garden gnome” right now" in gnome.inner_text()


def test_unpaired_phone_registers_at_the_checkin_code_and_gets_its_list(
    open_page: Any, server: Server
) -> None:
    phone = open_page(mobile=True)
    phone.goto(f"/here/{server.checkin_code}/")
    assert "Check in at Rain Shop" in phone.inner_text("h1")
    fill_wants(phone, "umbrella")

    phone.click("#submit")
    phone.wait_for_url("**/me/")

    assert offers_of(phone, "umbrella") == ["Rain Shop"]
    where = phone.inner_text('#results .offer[data-shop="rain"] .where')
    assert where == "Ground floor, 20 m in front of the escalator · 0 m from you"


def test_paired_phone_checks_in_and_its_list_starts_from_there(
    open_page: Any, server: Server
) -> None:
    # Given a shopper registered at the entrance, their phone paired by the QR code.
    entrance = open_page()
    entrance.goto("/kiosk/")
    fill_wants(entrance, "umbrella")
    entrance.click("#submit")
    entrance.wait_for_url("**/kiosk/done/")
    pair_url = entrance.get_attribute("#pair-qr", "data-pair-url")
    phone = open_page(mobile=True)
    phone.goto(pair_url)
    phone.wait_for_url("**/me/")
    where = '#results .offer[data-shop="rain"] .where'
    assert phone.inner_text(where).endswith(" · 30 m from you")

    # When the phone scans the rain shop's check-in code.
    phone.goto(f"/here/{server.checkin_code}/")
    phone.wait_for_url("**/me/")

    # Then it is there: the list now starts from the rain shop.
    # (A locator, not wait_for_function: the page's CSP forbids the eval it polls with.)
    phone.locator(where).filter(has_text=re.compile(r" · 0 m from you$")).wait_for()
    assert offers_of(phone, "umbrella") == ["Rain Shop"]


def test_an_unknown_checkin_code_says_what_to_do(open_page: Any) -> None:
    phone = open_page(mobile=True)

    response = phone.goto("/here/nosuchcode12/")

    assert response.status == 404
    assert "Scan the code on the shop's screen again" in phone.inner_text("#checkin-unknown")


def test_entrance_search_box_lists_who_has_it_from_the_entrance(open_page: Any) -> None:
    page = open_page()
    page.goto("/kiosk/")

    page.fill("#search-q", "umbrella")
    page.click("#search-form button[type=submit]")

    hit = page.locator('#search-results .offer[data-shop="rain"]')
    hit.wait_for()
    assert hit.locator(".shop").inner_text() == "Rain Shop"
    assert hit.locator(".where").inner_text().endswith(" · 30 m from you")  # the entrance
    assert page.inner_text("#search-message") == "1 item in the mall."


def test_phone_search_box_ranks_from_where_it_checked_in(open_page: Any, server: Server) -> None:
    phone = open_page(mobile=True)
    phone.goto(f"/here/{server.checkin_code}/")
    fill_wants(phone, "umbrella")
    phone.click("#submit")
    phone.wait_for_url("**/me/")

    phone.fill("#search-q", "running shoes")
    phone.click("#search-form button[type=submit]")

    hit = phone.locator('#search-results .offer[data-shop="shoes"]').first
    hit.wait_for()
    # rain (30, 0) to shoes (10, 30)
    assert hit.locator(".where").inner_text().endswith(" · 36 m from you")

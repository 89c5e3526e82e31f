"""The report pages in a real browser: mall staff's charts in the admin and a shop's own
slice, filled by shoppers registered and sighted through the API, on a phone and a desktop.

Screenshots of each page go to ``test-artifacts/reports-*.png`` (to look at)."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.pages.conftest import ARTIFACTS, Server

pytestmark = pytest.mark.browser

WIDTHS = {"phone": 390, "desktop": 1280}


@pytest.fixture(scope="module")
def traffic(server: Server) -> list[str]:
    """Shoppers who want what the mall has and what it lacks, sighted at the entrance."""
    codes = []
    for wants in (["running shoes"], ["dance shoes", "garden gnome"], ["dance shoes"]):
        answer = httpx.post(
            f"{server.url}/api/customers/",
            json={
                "desires": [{"name": want} for want in wants],
                "payment_method": "card",
            },
            timeout=10,
        )
        assert answer.status_code == 201, answer.text
        assert server.sight(answer.json()["token"]).status_code == 200
        codes.append(answer.json()["code"])
    return codes


def open_at(open_page: Any, width: str, *, clerk: str) -> Any:
    page = open_page(clerk=clerk, mobile=width == "phone")
    page.set_viewport_size({"width": WIDTHS[width], "height": 900})
    return page


def page_fits(page: Any) -> bool:
    """No sideways scrolling of the page itself (wide charts scroll in their own box)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", WIDTHS)
def test_staff_open_the_reports_from_the_admin_index_and_see_live_charts(open_page, traffic, width):
    page = open_at(open_page, width, clerk="staff")
    page.goto("/admin/")

    page.click("#reports-link a.section")

    page.wait_for_url("**/admin/reports/")
    assert page.locator("svg.chart").count() == 6
    assert page.locator("svg.chart").first.is_visible()
    demand = page.locator("#demand table").first
    assert "dance shoe" in demand.inner_text()
    assert "2" in demand.locator("tr", has_text="dance shoe").inner_text()
    heat = page.locator("#footfall svg.chart").first
    assert heat.locator("rect[fill-opacity]").count() >= 1  # the entrance kiosk's hour
    assert page_fits(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"reports-admin-{width}.png", full_page=True)


def test_staff_download_a_table_as_csv(open_page, traffic, tmp_path):
    page = open_at(open_page, "desktop", clerk="staff")
    page.goto("/admin/reports/?days=7")

    with page.expect_download() as download:
        page.locator("#demand a.csv").first.click()

    path = tmp_path / "demand.csv"
    download.value.save_as(path)
    lines = path.read_text().splitlines()
    assert lines[0] == "want,times wanted,times searched,only similar,last day"
    assert any(line.startswith("dance shoe,2,") for line in lines)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_clerk_opens_their_shops_reports_from_the_dashboard(open_page, traffic, width):
    page = open_at(open_page, width, clerk="ann")
    page.goto("/shop/shoes/")
    assert "dance shoe" in page.inner_text("#missing-panel")

    page.click("header nav a[href$='/reports/']")

    page.wait_for_url("**/shop/shoes/reports/")
    assert page.locator("svg.chart").count() == 3
    assert "dance shoe" in page.inner_text("#demand")
    assert "garden gnome" not in page.inner_text("#demand")  # not near a shoe shop's goods
    funnel = page.locator("#conversion svg.chart").nth(1)
    shown = re.search(r"card shown: (\d+)", funnel.inner_html())
    assert shown and int(shown[1]) >= 1  # the browser tests share one server: at least ours
    assert page_fits(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"reports-shop-{width}.png", full_page=True)


def test_a_shopper_sees_on_their_phone_which_shops_saw_their_card(open_page, server: Server):
    phone = open_page(mobile=True)
    phone.goto(f"/here/{server.checkin_code}/")
    phone.locator("input[name=want_name]").first.fill("umbrella")
    phone.check("input[name=payment_method][value=card]")

    phone.click("#submit")
    phone.wait_for_url("**/me/")

    looked = phone.inner_text("#looked-at")
    assert "Rain Shop" in looked and "1 time" in looked
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=ARTIFACTS / "reports-me-phone.png", full_page=True)

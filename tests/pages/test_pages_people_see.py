"""Every page as a person sees it at 390x844, 1280x800 and 1920x1080: the map's pins
follow the list, the shop screen reads from across the shop, nothing scrolls sideways on a
phone, fingers hit their targets, axe-core finds nothing serious. Each page at each size
leaves a screenshot in ``test-artifacts/``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.pages.conftest import Server, new_page
from tests.pages.looks import (
    SIZES,
    contrast,
    contrast_failures,
    looks_right,
    shoot,
)

pytestmark = pytest.mark.browser


@pytest.fixture(params=list(SIZES))
def size(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def view(browser: Any, server: Server, size: str) -> Iterator[Any]:
    """``view(clerk=None)``: a page of ``size`` in a fresh context."""
    contexts: list[Any] = []
    #: What the browser refused under the Content Security Policy (none on any page).
    refused: list[str] = []

    def make(*, clerk: str | None = None) -> Any:
        return new_page(
            browser, server, contexts, refused, options=SIZES[size], clerk=clerk, timeout_ms=8000
        )

    yield make
    for context in contexts:
        context.close()
    assert not refused, f"refused by the Content Security Policy: {refused}"


def register(page: Any, *wants: str) -> dict[str, str]:
    """The entrance form filled with ``wants`` (defaults left as they are), submitted."""
    page.goto("/kiosk/")
    names = page.locator("input[name=want_name]")
    for index, want in enumerate(wants):
        if index >= names.count():
            page.click("#add-want")
        names.nth(index).fill(want)
    page.click("#submit")
    page.wait_for_url("**/kiosk/done/")
    return {
        "code": page.inner_text("#customer-code").strip(),
        "token": page.locator("#customer-token").text_content().strip(),
        "pair_url": page.get_attribute("#pair-qr", "data-pair-url"),
    }


def list_pins(page: Any) -> list[tuple[str, str]]:
    """(pin number, shop) of each offer in the list, in list order, each shop once."""
    seen: dict[str, str] = {}
    for offer in page.locator("#results .offer").all():
        shop = offer.get_attribute("data-shop")
        seen.setdefault(shop, offer.locator(".pin-no").inner_text().strip())
    return [(number, shop) for shop, number in seen.items()]


def map_pins(page: Any) -> list[tuple[str, str]]:
    """(number, shop) of every pin on the page's maps, by number."""
    pins = [
        (pin.get_attribute("data-number"), pin.get_attribute("data-shop"))
        for pin in page.locator("#maps g.pin").all()
    ]
    return sorted(pins, key=lambda pin: int(pin[0]))


def test_entrance_form_fits_one_screen_and_defaults_are_set(view, size):
    page = view()
    page.goto("/kiosk/")

    looks_right(page, "entrance-form", size)
    assert page.locator("input[name=payment_method]:checked").count() == 1
    assert page.locator("#camera video").is_hidden()  # no camera box without a camera
    if size == "1920x1080":  # the whole form, its button included, on one screen
        bottom = page.evaluate("document.getElementById('register').getBoundingClientRect().bottom")
        assert bottom <= 1080, f"the form ends at {bottom} px"
    level = page.locator("select[name=want_level]").first
    assert level.evaluate("e => e.scrollWidth <= e.clientWidth")  # "5 (very much)" not cut


def test_entrance_want_rows_can_be_removed(view, size):
    page = view()
    page.goto("/kiosk/")
    rows = page.locator("#wants .want-row")
    before = rows.count()

    rows.nth(1).locator("button.remove-want").click()

    assert rows.count() == before - 1


def test_entrance_result_lists_shops_with_a_map_numbered_as_the_list(view, size):
    page = view()

    register(page, "umbrella", "running shoes", "teapot")

    looks_right(page, "entrance-result", size)
    pins = list_pins(page)
    assert [shop for _, shop in pins] == ["rain", "shoes", "tea"]
    assert [number for number, _ in pins] == ["1", "2", "3"]
    assert map_pins(page) == pins
    assert page.locator("#maps g.here").count() == 1  # the entrance kiosk
    assert page.locator('#maps figure[data-floor="1"] g.pin').count() == 1  # the tea shop
    assert "€12.00" in page.inner_text('.offer[data-shop="rain"] .price')
    where = page.inner_text('.offer[data-shop="tea"] .where')
    assert where == "Floor 1, 14 m left of the escalator · 58 m from here"


def test_entrance_result_hints_when_a_want_matches_nothing(view, size):
    page = view()

    register(page, "submarine")

    assert page.locator(".result .no-match").is_visible()
    looks_right(page, "entrance-nothing", size)


def test_phone_map_follows_the_list_live(view, server: Server, size):
    shopper = register(view(), "running shoes")
    phone = view()
    phone.goto(shopper["pair_url"])
    phone.wait_for_url("**/me/")
    phone.wait_for_selector("#live-status[data-state=live]")
    phone.locator("#maps g.pin").first.wait_for()
    assert map_pins(phone) == list_pins(phone) == [("1", "shoes")]

    # The shopper adds a want: the list and the map change together.
    phone.click("#add-want")
    phone.locator("#wants .want-name").last.fill("teapot")
    phone.click("#wants-form button[type=submit]")
    phone.locator('#results .offer[data-shop="tea"]').wait_for()
    phone.locator('#maps figure[data-floor="1"] g.pin').wait_for(state="attached")

    assert map_pins(phone) == list_pins(phone)
    assert [shop for _, shop in list_pins(phone)] == ["shoes", "tea"]
    assert phone.locator('#maps figure[data-floor="1"] g.pin').count() == 1
    looks_right(phone, "phone", size)


def test_checkin_page_of_an_unpaired_phone_is_the_registration_form(view, server: Server, size):
    page = view()
    page.goto(f"/here/{server.checkin_code}/")

    assert "Check in at Rain Shop" in page.inner_text("h1")
    looks_right(page, "checkin-form", size)


def test_clerk_card_shows_the_matched_items_and_sells_one_with_a_tap(view, server, size):
    shopper = register(view(), "running shoes")
    clerk = view(clerk="ann")
    clerk.goto("/shop/")
    clerk.wait_for_selector("#live-status[data-state=live]")
    card = clerk.locator(f'.card[data-customer="{shopper["code"]}"]')
    card.wait_for()

    items = card.locator(".items li")
    assert items.count() == 2
    first = items.first.inner_text()
    assert "Running Shoes" in first and "€89.90" in first and "4006381333931" in first
    looks_right(clerk, "dashboard", size)

    items.first.locator("button.sell-item").click()

    # The result shows where the clerk is looking: over the page, inside the window
    toast = clerk.locator("#toast")
    toast.wait_for()
    assert "Sold 1 \u00d7 Running Shoes" in toast.inner_text()
    box = toast.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= SIZES[size]["viewport"]["height"]
    card.wait_for(state="detached")  # the want is fulfilled: the card leaves


def test_clerk_sells_by_name_search(view, size):
    clerk = view(clerk="bob")
    clerk.goto("/shop/")
    clerk.wait_for_selector("#live-status[data-state=live]")

    clerk.fill("#sale-barcode", "cookery")
    clerk.press("#sale-barcode", "Enter")
    clerk.locator("#sale-choices button").first.click()

    clerk.locator("#sale-message", has_text="Cookery Book").wait_for()
    assert "Sold 1 \u00d7 Cookery Book" in clerk.inner_text("#sale-message")


def test_shop_screen_reads_from_across_the_shop(view, server: Server, size):
    screen = view(clerk="ann")
    screen.goto("/shop/shoes/screen/")
    screen.wait_for_selector("#live-status[data-state=live]")

    # Three shoppers arrive, one after the other: they keep their places
    codes = [register(view(), "running shoes")["code"] for _ in range(3)]
    screen.locator(f'#cards .card[data-customer="{codes[-1]}"]').wait_for()
    order = screen.locator("#cards .card").evaluate_all("cs => cs.map(c => c.dataset.customer)")
    assert order[-3:] == codes  # new ones at the end
    body = screen.locator("body")
    assert body.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(16, 19, 23)"
    height = screen.evaluate("document.querySelector('main').getBoundingClientRect().bottom")
    assert height >= SIZES[size]["viewport"]["height"] - 1

    card = screen.locator(f'.card[data-customer="{codes[0]}"]')
    assert "€89.90" in card.inner_text() and "Running Shoes" in card.inner_text()
    for selector in (".code", ".pay", ".items li", ".wants li", ".where", ".level"):
        seen = contrast(card.locator(selector).first)
        assert seen["ratio"] >= 4.5, f"{selector}: {seen}"
    assert contrast(card.locator(".pay")).get("size") >= 20
    assert contrast_failures(screen, "#cards .card *") == []
    looks_right(screen, "screen", size)

    # One leaves (sold): the others keep their order
    sold = view(clerk="ann")
    answer = sold.request.post(
        "/api/shops/shoes/sales/",
        data={
            "item": int(card.locator(".items li").first.get_attribute("data-item")),
            "quantity": 1,
            "customer": codes[1],
        },
        headers={"X-CSRFToken": csrf(sold, server)},
    )
    assert answer.ok, answer.text()
    screen.locator(f'.card[data-customer="{codes[1]}"]').wait_for(state="detached")
    after = screen.locator("#cards .card").evaluate_all("cs => cs.map(c => c.dataset.customer)")
    assert [code for code in after if code in codes] == [codes[0], codes[2]]


def csrf(page: Any, server: Server) -> str:
    page.goto("/shop/")
    return next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")


def test_shop_screen_goes_idle_without_shoppers(view, size):
    screen = view(clerk="cat")
    screen.goto("/shop/hats/screen/")
    screen.wait_for_selector("#live-status[data-state=live]")

    # Nobody yet: a proper empty state, dark to the bottom of the window, readable
    assert screen.locator("#cards .empty-state").is_visible()
    assert contrast_failures(screen, ".screen-head h1, .empty-state p") == []
    bottom = screen.evaluate("document.querySelector('main').getBoundingClientRect().bottom")
    assert bottom >= SIZES[size]["viewport"]["height"] - 1
    looks_right(screen, "screen-empty", size)

    # Idle (at once with ?idle=1; after two minutes otherwise): dimmed, drifting
    screen.goto("/shop/hats/screen/?idle=1")
    screen.wait_for_selector("body.idle", state="attached")
    assert screen.locator(".empty-state").is_visible()
    animation = screen.locator(".empty-state").evaluate("e => getComputedStyle(e).animationName")
    assert animation == "drift"
    shoot(screen, "screen-idle", size)


@pytest.mark.parametrize("path", ["/", "/shop/login/", "/me/"])
def test_simple_pages_look_right(view, size, path):
    page = view()
    page.goto(path)
    name = {"/": "home", "/shop/login/": "login", "/me/": "phone-unpaired"}[path]
    looks_right(page, name, size)


def test_staff_place_a_shop_by_clicking_on_the_floor_plan(browser, server: Server):
    context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 800})
    name, value = server.clerk_cookies["staff"]
    context.add_cookies([{"name": name, "value": value, "url": server.url}])
    page = context.new_page()
    try:
        page.goto(f"/admin/mall/shop/{server.hats_id}/change/")
        svg = page.locator(".place-map svg")
        svg.scroll_into_view_if_needed()
        # The map's own numbers: where on the screen is (20 m, 10 m)?
        left, top = (float(svg.get_attribute(a)) for a in ("data-left", "data-top"))
        point = svg.evaluate(
            """(svg, [x, y]) => {
              const p = svg.createSVGPoint(); p.x = x; p.y = y;
              const s = p.matrixTransform(svg.getScreenCTM());
              return [s.x, s.y];
            }""",
            [20 - left, top - 10],
        )

        page.mouse.click(point[0], point[1])

        assert abs(float(page.input_value("#id_x")) - 20) <= 0.2
        assert abs(float(page.input_value("#id_y")) - 10) <= 0.2
        assert page.locator(".place-map svg g.here").count() == 1
        shoot(page, "admin-place", "1280x800")
        # Another floor shows that floor's map
        page.fill("#id_floor", "1")
        page.dispatch_event("#id_floor", "change")
        page.wait_for_selector('.place-map[data-floor="1"] svg[data-floor="1"]')
        assert "Tea Shop" in page.inner_text(".place-map")
    finally:
        context.close()


def test_a_used_pairing_link_says_what_to_do_instead(view, size):
    shopper = register(view(), "umbrella")
    first = view()
    first.goto(shopper["pair_url"])
    first.wait_for_url("**/me/")

    second = view()
    second.goto(shopper["pair_url"])

    second.locator("h1", has_text="could not").wait_for()
    assert "scan the QR code on any shop's screen" in second.inner_text("#pair-status")
    looks_right(second, "pairing-used", size)


def search_answer(route: Any) -> None:
    """``GET /api/search/`` as DESIGN.md's contract answers it (the server's own may not be
    there yet): an umbrella for "umbr", nothing for anything else."""
    import json
    from urllib.parse import parse_qs, urlparse

    query = parse_qs(urlparse(route.request.url).query)
    hits = []
    if query.get("q") == ["umbr"]:
        hits = [
            {
                "shop": {"slug": "rain", "name": "Rain Shop", "floor": 0, "x": 30, "y": 0},
                "item": {"id": 1, "name": "Folding Umbrella", "price": "12.00", "quantity": 3},
                "distance_m": 30.0,
                "similar": False,
            }
        ]
    body = {"total": len(hits), "results": hits}
    route.fulfill(status=200, content_type="application/json", body=json.dumps(body))


def test_entrance_suggests_what_the_mall_stocks_and_hints_when_nothing_matches(view, size):
    page = view()
    page.route("**/api/search/**", search_answer)
    page.goto("/kiosk/")
    first = page.locator("#wants .want-row").first

    first.locator(".want-name").fill("umbr")
    page.locator('#suggestions option[value="Folding Umbrella"]').wait_for(state="attached")
    assert first.locator(".want-hint").inner_text() == ""

    first.locator(".want-name").fill("submarine")
    first.locator(".want-hint").filter(has_text="Nothing in the mall matches").wait_for()
    shoot(page, "entrance-hint", size)


def test_entrance_without_a_search_on_the_server_stays_quiet(view, size):
    page = view()
    page.route("**/api/search/**", lambda route: route.fulfill(status=404, body="{}"))
    page.goto("/kiosk/")
    row = page.locator("#wants .want-row").first

    row.locator(".want-name").fill("submarine")
    page.wait_for_timeout(600)  # past the typing pause and the answer

    assert row.locator(".want-hint").inner_text() == ""
    assert page.locator("#suggestions option").count() == 0


def test_entrance_suggestions_come_from_the_servers_search(browser, server: Server):
    context = browser.new_context(base_url=server.url, **SIZES["1280x800"])
    page = context.new_page()
    try:
        page.goto("/kiosk/")
        row = page.locator("#wants .want-row").first

        row.locator(".want-name").fill("umbrella")
        page.locator('#suggestions option[value="Folding Umbrella"]').wait_for(state="attached")
        row.locator(".want-name").fill("submarine")
        row.locator(".want-hint").filter(has_text="Nothing in the mall matches").wait_for()
    finally:
        context.close()

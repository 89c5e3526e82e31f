"""Every page is served with a Content Security Policy that allows scripts from this site
only (no inline script), and runs under it (the browser tests fail on any refusal)."""

import pytest

from tests.factories import MembershipFactory, ShopFactory, make_kiosk

PAGES = [
    "/",
    "/kiosk/",
    "/me/",
    "/me/pair/",
    "/shop/login/",
    "/shop/shoes/",
    "/shop/shoes/screen/",
    "/admin/login/",
    "/admin/",
    "/api/docs/",
    "/here/{checkin}/",
    "/admin/kiosks/kiosk/{kiosk}/poster/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_a_policy_without_inline_scripts(client, path):
    membership = MembershipFactory(shop=ShopFactory(slug="shoes"))
    membership.user.is_staff = True
    membership.user.is_superuser = True
    membership.user.save()
    if path != "/shop/login/" and path != "/admin/login/":
        client.force_login(membership.user)
    kiosk = make_kiosk(membership.shop).kiosk

    response = client.get(path.format(checkin=kiosk.checkin_code, kiosk=kiosk.pk))

    assert response.status_code == 200
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert b"<script>" not in response.content


@pytest.mark.browser
def test_the_api_docs_run_under_the_policy(open_page):
    page = open_page()

    page.goto("/api/docs/")

    page.wait_for_selector(".swagger-ui .info .title")
    assert "Mall customer solicitation API" in page.inner_text(".swagger-ui .info .title")

"""Phones check in at a kiosk by its QR code (DESIGN.md, flow 3b), and registering at a
kiosk is a sighting there (flow 2)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from customers.models import Customer
from customers.pairing import SESSION_CUSTOMER
from kiosks.models import Kiosk, Presence
from kiosks.services import kiosk_checkin_renew
from mall.services import clerk_create
from matching.models import Card
from tests.factories import ShopFactory, make_customer, make_item, make_kiosk
from tests.helpers import bearer, kiosk_auth
from workflows.sightings import customer_sight, customers_departed_purge

pytestmark = pytest.mark.django_db


@pytest.fixture
def hats():
    """A hat shop with its kiosk, and a shopper who wants a hat."""
    shop = ShopFactory(slug="hats", name="Hat Hall", floor=1, x=20, y=5)
    make_item(shop, "Wool Hat", price="15.00")
    return {"shop": shop, "kiosk": make_kiosk(shop, name="hat-kiosk")}


def test_checkin_api_is_a_sighting_at_the_kiosk(api, hats):
    shopper = make_customer("hat")
    code = hats["kiosk"].kiosk.checkin_code

    response = api.post("/api/me/checkins/", {"code": code}, format="json", **bearer(shopper.token))

    assert response.status_code == 200
    body = response.json()
    assert body["at"] == {"kiosk": "hat-kiosk", "floor": 1, "x": 20.0, "y": 5.0}
    assert body["results"][0]["offers"][0]["shop"]["slug"] == "hats"
    assert Card.objects.filter(customer=shopper.customer, shop=hats["shop"]).exists()
    # A phone is no radio contact: nothing waits for a departure report.
    assert not Presence.objects.exists()


@pytest.mark.parametrize("renewed", [False, True])
def test_unknown_or_renewed_checkin_code_is_404_and_changes_nothing(api, hats, renewed):
    shopper = make_customer("hat")
    kiosk = hats["kiosk"].kiosk
    code = kiosk.checkin_code if renewed else "nosuchcode12"
    if renewed:
        kiosk_checkin_renew(kiosk=kiosk)

    response = api.post("/api/me/checkins/", {"code": code}, format="json", **bearer(shopper.token))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_checkin"
    assert Customer.objects.get().last_kiosk is None


def test_checkin_without_a_shopper_is_refused(api, hats):
    response = api.post(
        "/api/me/checkins/", {"code": hats["kiosk"].kiosk.checkin_code}, format="json"
    )

    assert response.status_code == 401
    assert "error" in response.json()


def test_checkin_without_a_code_is_400(api, hats):
    response = api.post(
        "/api/me/checkins/", {}, format="json", **bearer(make_customer("hat").token)
    )

    assert response.status_code == 400


def test_kiosk_reads_its_own_place_and_checkin_address(api, hats):
    key = hats["kiosk"].key

    response = api.get("/api/kiosk/", **kiosk_auth(key))

    assert response.status_code == 200
    assert response.json() == {
        "name": "hat-kiosk",
        "shop": "hats",
        "floor": 1,
        "x": 20.0,
        "y": 5.0,
        "checkin_url": f"http://testserver/here/{hats['kiosk'].kiosk.checkin_code}/",
    }


def test_registration_with_a_kiosk_key_answers_the_list_there(api, hats):
    response = api.post(
        "/api/customers/",
        {"desires": [{"name": "hat"}], "payment_method": "cash"},
        format="json",
        **kiosk_auth(hats["kiosk"].key),
    )

    assert response.status_code == 201
    body = response.json()
    assert body["at"]["kiosk"] == "hat-kiosk"
    assert body["results"][0]["offers"][0]["shop"]["slug"] == "hats"
    customer = Customer.objects.get(code=body["code"])
    assert customer.last_kiosk.name == "hat-kiosk"
    assert Card.objects.filter(customer=customer, shop=hats["shop"]).exists()


def test_anonymous_registration_has_no_list(api, hats):
    response = api.post(
        "/api/customers/",
        {"desires": [{"name": "hat"}], "payment_method": "cash"},
        format="json",
    )

    assert response.status_code == 201
    assert "results" not in response.json()
    assert not Card.objects.exists()


def test_i_am_leaving_withdraws_cards_and_purge_erases_after_the_grace(api, hats):
    shopper = make_customer("hat")
    customer_sight(kiosk=hats["kiosk"].kiosk, customer=shopper.customer)
    assert Card.objects.exists()

    response = api.post("/api/me/departures/", **bearer(shopper.token))

    assert response.status_code == 204
    assert not Card.objects.exists()
    assert not Presence.objects.exists()
    assert customers_departed_purge(now=timezone.now(), grace_seconds=600) == 0
    later = timezone.now() + timedelta(seconds=601)
    assert customers_departed_purge(now=later, grace_seconds=600) == 1
    assert not Customer.objects.exists()


def test_a_phone_is_erased_grace_after_its_last_checkin_a_handheld_in_range_is_not(api, hats):
    phone = make_customer("hat")
    handheld = make_customer("hat")
    kiosk = hats["kiosk"].kiosk
    api.post(
        "/api/me/checkins/", {"code": kiosk.checkin_code}, format="json", **bearer(phone.token)
    )
    customer_sight(kiosk=kiosk, customer=handheld.customer)  # a radio: in range until it leaves
    never_seen = make_customer("hat")  # registered, never sighted: kept until expiry

    later = timezone.now() + timedelta(seconds=601)
    assert customers_departed_purge(now=later, grace_seconds=600) == 1

    assert set(Customer.objects.values_list("code", flat=True)) == {
        handheld.customer.code,
        never_seen.customer.code,
    }


# Pages -------------------------------------------------------------------------------------


def pair(client, customer):
    session = client.session
    session[SESSION_CUSTOMER] = customer.pk
    session["me_token_hash"] = customer.token_hash
    session.save()


def test_checkin_page_on_a_paired_phone_sights_and_lands_on_me(client, hats):
    shopper = make_customer("hat")
    pair(client, shopper.customer)

    response = client.get(f"/here/{hats['kiosk'].kiosk.checkin_code}/")

    assert response.status_code == 302
    assert response["Location"] == "/me/"
    assert Customer.objects.get().last_kiosk.name == "hat-kiosk"
    assert Card.objects.filter(shop=hats["shop"]).exists()


def want_form(**extra):
    return {
        "want_name": ["wool hat"],
        "want_keywords": [""],
        "want_level": ["4"],
        "payment_method": "card",
        "ranking": "nearest",
        **extra,
    }


def test_checkin_page_on_an_unpaired_phone_registers_pairs_and_checks_in(client, hats):
    code = hats["kiosk"].kiosk.checkin_code
    page = client.get(f"/here/{code}/")
    assert page.status_code == 200
    assert b"Check in at Hat Hall" in page.content

    response = client.post(f"/here/{code}/", want_form())

    assert response.status_code == 302
    assert response["Location"] == "/me/"
    customer = Customer.objects.get()
    assert customer.last_kiosk.name == "hat-kiosk"
    assert client.session[SESSION_CUSTOMER] == customer.pk
    me = client.get("/api/me/")
    assert me.json()["results"][0]["offers"][0]["shop"]["slug"] == "hats"


def test_checkin_page_with_an_unknown_code_says_so(client, hats):
    response = client.get("/here/nosuchcode12/")

    assert response.status_code == 404
    assert b"renewed" in response.content


def test_entrance_page_registers_at_its_kiosk_and_shows_the_list(client, hats):
    entrance = make_kiosk(floor=1, x=0, y=5, name="north-door").kiosk
    Kiosk.objects.filter(pk=entrance.pk).update(is_entrance=True)

    response = client.post("/kiosk/", want_form(), follow=True)

    assert response.status_code == 200
    assert b"Where to find it" in response.content
    assert b"Hat Hall" in response.content
    customer = Customer.objects.get()
    assert customer.last_kiosk.name == "north-door"
    assert not Presence.objects.exists()


def test_entrance_page_opened_for_a_named_kiosk_registers_there(client, hats):
    make_kiosk(floor=1, x=0, y=5, name="north-door")
    make_kiosk(floor=0, x=0, y=0, name="south-door")

    page = client.get("/kiosk/?kiosk=south-door")
    assert b'name="kiosk" value="south-door"' in page.content
    client.post("/kiosk/?kiosk=south-door", want_form(kiosk="south-door"))

    assert Customer.objects.get().last_kiosk.name == "south-door"


def test_entrance_page_for_an_unknown_kiosk_warns_and_still_registers(client, hats):
    page = client.get("/kiosk/?kiosk=nowhere")
    assert b"does not exist" in page.content

    response = client.post("/kiosk/?kiosk=nowhere", want_form(kiosk="nowhere"), follow=True)

    assert response.status_code == 200
    assert Customer.objects.get().last_kiosk is None
    assert b"scan the QR code" in response.content


def test_shop_screen_shows_its_kiosks_checkin_qr(client, hats):
    membership = clerk_create(username="hat-clerk", shop=hats["shop"])
    client.force_login(membership.user)

    response = client.get("/shop/hats/screen/")

    code = hats["kiosk"].kiosk.checkin_code
    assert f'data-url="http://testserver/here/{code}/"'.encode() in response.content
    assert b"<svg" in response.content


def test_admin_prints_a_poster_and_renews_the_code(admin_client, hats):
    kiosk = hats["kiosk"].kiosk
    old = kiosk.checkin_code

    poster = admin_client.get(f"/admin/kiosks/kiosk/{kiosk.pk}/poster/")
    assert poster.status_code == 200
    assert b"Hat Hall" in poster.content
    assert f"/here/{old}/".encode() in poster.content

    admin_client.post(
        "/admin/kiosks/kiosk/",
        {"action": "renew_checkin", "_selected_action": [kiosk.pk]},
    )

    kiosk.refresh_from_db()
    assert kiosk.checkin_code != old
    assert admin_client.get(f"/here/{old}/").status_code == 404

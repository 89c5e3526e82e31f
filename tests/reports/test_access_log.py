"""The access log: every look at a shopper's data or face by a clerk or kiosk, every share,
hold and sale with a code; kept ACCESS_LOG_DAYS after the shopper is gone; shown to the
shopper as the shops that looked at them."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from customers.models import Customer
from reports.models import AccessAction, AccessLog, ActorKind, UnmetDemand
from reports.services import access_log_record
from tests.conftest import jpeg_bytes
from tests.factories import MembershipFactory, ShopFactory, make_customer, make_item, make_kiosk
from tests.helpers import bearer
from workflows.shoppers import customer_delete, share_create
from workflows.sightings import customer_sight

pytestmark = pytest.mark.django_db


def log_rows() -> list[tuple]:
    return list(
        AccessLog.objects.order_by("pk").values_list(
            "action", "shop_name", "actor_kind", "actor", "customer_code"
        )
    )


def test_a_clerk_reading_a_shoppers_wants_is_logged(clerk, sole):
    shopper = make_customer("running shoes").customer
    share_create(customer=shopper, shop=sole)

    assert clerk.get(f"/api/shops/sole/customers/{shopper.code}/").status_code == 200

    assert log_rows() == [("wants_read", "Sole", "clerk", "ann", shopper.code)]
    assert AccessLog.objects.get().clerk.username == "ann"


def test_a_refused_look_is_not_logged(clerk, sole):
    shopper = make_customer("running shoes").customer

    assert clerk.get(f"/api/shops/sole/customers/{shopper.code}/").status_code == 404

    assert log_rows() == []


def test_a_clerk_viewing_the_photo_is_logged(clerk, sole):
    shopper = make_customer("running shoes", face_jpeg=jpeg_bytes()).customer
    share_create(customer=shopper, shop=sole)

    response = clerk.get(f"/api/shops/sole/customers/{shopper.code}/face/")

    assert response.status_code == 200
    assert log_rows() == [("face_view", "Sole", "clerk", "ann", shopper.code)]


def test_a_share_by_code_at_the_till_and_the_shoppers_own_share_are_logged(clerk, api, sole):
    shopper = make_customer("running shoes")

    clerk.post("/api/shops/sole/shares/", {"customer": shopper.customer.code}, format="json")
    api.logout()
    api.post(
        "/api/me/shares/",
        {"shop": "sole"},
        format="json",
        **bearer(shopper.token),
    )

    code = shopper.customer.code
    assert log_rows() == [
        ("share", "Sole", "clerk", "ann", code),
        ("share", "Sole", "shopper", "the shopper", code),
    ]


def test_a_sale_with_a_code_by_the_shops_kiosk_is_logged_even_when_it_erases_the_shopper(
    kiosk_api, sighted
):
    shopper = sighted.customer
    AccessLog.objects.all().delete()

    response = kiosk_api.post(
        "/api/shops/sole/sales/",
        {"item": sighted.item.pk, "quantity": 1, "customer": shopper.code.lower()},
        format="json",
    )

    assert response.status_code == 201
    assert not Customer.objects.filter(pk=shopper.pk).exists()  # their last want: erased
    row = AccessLog.objects.get()
    assert (row.action, row.actor_kind, row.actor, row.customer_code) == (
        "sale",
        "kiosk",
        "sole-kiosk",
        shopper.code,
    )
    assert row.customer is None and row.customer_gone_at is not None


def test_a_card_shown_to_a_shop_is_logged_once_with_the_kiosk_that_saw_the_shopper(sole):
    make_item(sole, "Running Shoes")
    kiosk = make_kiosk(name="Entrance", floor=0, x=0, y=0).kiosk
    shopper = make_customer("running shoes").customer

    customer_sight(kiosk=kiosk, customer=shopper)
    customer_sight(kiosk=kiosk, customer=shopper)

    assert log_rows() == [("card_shown", "Sole", "kiosk", "Entrance", shopper.code)]


def test_the_shopper_sees_which_shops_looked_at_them_but_not_their_own_shares(api, sole):
    shopper = make_customer("running shoes")
    other = ShopFactory(slug="other", name="Other Shop")
    access_log_record(action=AccessAction.SHARE, shop=other, customer_code=shopper.customer.code)
    for _ in range(2):
        access_log_record(
            action=AccessAction.WANTS_READ,
            shop=sole,
            customer_code=shopper.customer.code,
            clerk=MembershipFactory(shop=sole).user,
        )

    me = api.get("/api/me/", **bearer(shopper.token)).json()

    assert [(row["shop"], row["name"], row["times"]) for row in me["looked_at_by"]] == [
        ("sole", "Sole", 2)
    ]


def test_erasing_a_shopper_keeps_the_log_and_the_demand_with_nothing_personal_but_the_code(
    clerk, sole
):
    shopper = make_customer("running shoes", "left handed scissors", face_jpeg=jpeg_bytes())
    customer = shopper.customer
    share_create(customer=customer, shop=sole)
    clerk.get(f"/api/shops/sole/customers/{customer.code}/")

    customer_delete(customer=customer)

    row = AccessLog.objects.get()
    assert row.customer_id is None
    assert row.customer_code == customer.code
    assert row.customer_gone_at is not None
    personal = {"token_hash", "face_image", "payment_method", "desires", "name", "keywords"}
    assert not personal & {field.name for field in AccessLog._meta.get_fields()}
    assert UnmetDemand.objects.filter(want="left handed scissor").exists()


def purge() -> str:
    out = io.StringIO()
    call_command("purge", stdout=out)
    return out.getvalue()


def test_purge_deletes_the_log_only_access_log_days_after_the_shopper_is_gone(settings, sole):
    settings.ACCESS_LOG_DAYS = 30
    live = make_customer("kite").customer
    access_log_record(action=AccessAction.WANTS_READ, shop=sole, customer_code=live.code)
    gone_long = access_log_record(action=AccessAction.WANTS_READ, shop=sole, customer_code="OLD1")
    gone_recently = access_log_record(action=AccessAction.SALE, shop=sole, customer_code="NEW1")
    AccessLog.objects.filter(pk=gone_long.pk).update(
        customer_gone_at=timezone.now() - timedelta(days=31)
    )
    AccessLog.objects.filter(pk=gone_recently.pk).update(
        customer_gone_at=timezone.now() - timedelta(days=29)
    )
    AccessLog.objects.filter(customer=live).update(at=timezone.now() - timedelta(days=365))

    out = purge()

    assert "1 access log entries" in out
    assert sorted(AccessLog.objects.values_list("customer_code", flat=True)) == sorted(
        [live.code, "NEW1"]
    )


def test_a_row_whose_shopper_vanished_unrecorded_starts_its_clock_at_the_purge(sole):
    shopper = make_customer("kite").customer
    access_log_record(action=AccessAction.WANTS_READ, shop=sole, customer_code=shopper.code)
    Customer.objects.filter(pk=shopper.pk).delete()  # not through customer_delete

    purge()

    row = AccessLog.objects.get()
    assert row.customer_gone_at is not None
    assert row.actor_kind == ActorKind.SHOPPER


def test_the_admin_lists_the_log_read_only_filtered_by_shop_clerk_and_code(
    client, sole, clerk_user
):
    from django.contrib.auth import get_user_model

    staff = get_user_model().objects.create_superuser("boss", password="pass-word-123")
    client.force_login(staff)
    shopper = make_customer("kite").customer
    access_log_record(
        action=AccessAction.WANTS_READ, shop=sole, customer_code=shopper.code, clerk=clerk_user
    )
    access_log_record(action=AccessAction.SALE, shop=ShopFactory(), customer_code="ZZZZZZ")
    base = "/admin/reports/accesslog/"

    by_shop = client.get(f"{base}?shop__id__exact={sole.pk}")
    by_clerk = client.get(f"{base}?clerk__id__exact={clerk_user.pk}")
    by_code = client.get(f"{base}?q={shopper.code}")
    row = AccessLog.objects.get(customer_code=shopper.code)
    change = client.get(f"{base}{row.pk}/change/")

    for response in (by_shop, by_clerk, by_code):
        assert response.status_code == 200
        assert shopper.code in response.text and "ZZZZZZ" not in response.text
    assert change.status_code == 200 and 'name="_save"' not in change.text
    assert client.get(f"{base}add/").status_code == 403
    assert client.post(f"{base}{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AccessLog.objects.filter(pk=row.pk).exists()


def test_the_phone_page_lists_the_shops_that_saw_the_shopper(client, sole):
    from customers.pairing import SESSION_CUSTOMER, SESSION_TOKEN_HASH

    shopper = make_customer("running shoes").customer
    session = client.session
    session[SESSION_CUSTOMER] = shopper.pk
    session[SESSION_TOKEN_HASH] = shopper.token_hash
    session.save()
    before = client.get("/me/").text
    access_log_record(
        action=AccessAction.CARD_SHOWN,
        shop=sole,
        customer_code=shopper.code,
        kiosk=make_kiosk(name="Entrance", floor=0, x=0, y=0).kiosk,
    )

    after = client.get("/me/").text

    assert "No shop has seen your card" in before
    assert "<strong>Sole</strong> · 1 time," in after


def test_a_hold_and_a_card_taken_are_logged_with_the_clerk(clerk, sole):
    item = make_item(sole, "Running Shoes", quantity=3)
    shopper = make_customer("running shoes").customer
    customer_sight(kiosk=make_kiosk(name="Entrance", floor=0, x=0, y=0).kiosk, customer=shopper)
    AccessLog.objects.all().delete()

    taken = clerk.post(f"/api/shops/sole/cards/{shopper.code}/take/")
    held = clerk.post(
        "/api/shops/sole/holds/",
        {"customer": shopper.code, "item": item.pk, "quantity": 1},
        format="json",
    )

    assert (taken.status_code, held.status_code) == (200, 201)
    assert log_rows() == [
        ("card_taken", "Sole", "clerk", "ann", shopper.code),
        ("hold", "Sole", "clerk", "ann", shopper.code),
    ]


def test_the_shares_list_logs_each_shopper_listed(clerk, sole):
    first, second = make_customer("kite").customer, make_customer("drone").customer
    for customer in (first, second):
        share_create(customer=customer, shop=sole)

    assert clerk.get("/api/shops/sole/shares/").status_code == 200

    assert sorted(log_rows()) == sorted(
        ("snapshot", "Sole", "clerk", "ann", c.code) for c in (first, second)
    )

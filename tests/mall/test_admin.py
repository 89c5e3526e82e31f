"""The admin for mall staff: every page opens, personal data stays hidden, and the
actions go through the services (face files deleted, keys shown once, index kept)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer, Share, ShopRequest
from kiosks.models import Kiosk, Presence
from mall.models import Membership, Retention
from matching.models import Card, IndexVersion, SynonymGroup, Term
from matching.services import synonyms_replace
from stock.models import Sale, StockItem
from tests.conftest import jpeg_bytes
from tests.factories import MembershipFactory, ShopFactory, make_customer, make_item, make_kiosk
from tests.helpers import sight
from workflows.sales import sale_record
from workflows.sightings import customer_sight

pytestmark = pytest.mark.django_db


@pytest.fixture
def mall():
    """One row of every model the admin shows."""
    shop = ShopFactory(slug="sole-mates", name="Sole Mates")
    MembershipFactory(shop=shop)
    Retention.objects.create()
    make_item(shop, "Trail Running Shoes", quantity=5)
    make_item(shop, "Canvas Tote")
    synonyms_replace(lines=["sneakers, trainers"])
    shopper = make_customer("running shoes", face_jpeg=jpeg_bytes())
    customer = shopper.customer
    kiosk = make_kiosk(shop, name="sole kiosk").kiosk
    customer_sight(kiosk=kiosk, customer=customer)
    Share.objects.create(customer=customer, shop=shop)
    ShopRequest.objects.create(customer=customer, shop=shop, text="Size 42, please")
    item = StockItem.objects.get(name="Canvas Tote")
    sale_record(shop=shop, item_id=item.pk, quantity=1)
    return {"shop": shop, "customer": customer, "token": shopper.token, "kiosk": kiosk}


MODELS = [
    ("mall", "shop"),
    ("mall", "membership"),
    ("mall", "retention"),
    ("customers", "customer"),
    ("customers", "desiredproduct"),
    ("customers", "share"),
    ("customers", "shoprequest"),
    ("stock", "stockitem"),
    ("stock", "sale"),
    ("matching", "synonymgroup"),
    ("matching", "term"),
    ("matching", "card"),
    ("kiosks", "kiosk"),
    ("kiosks", "presence"),
]
ROWS = {
    "shop": lambda: ShopFactory(slug="sole-mates"),
    "membership": Membership.objects.first,
    "retention": Retention.objects.first,
    "customer": Customer.objects.first,
    "desiredproduct": lambda: Customer.objects.first().desires.first(),
    "share": Share.objects.first,
    "shoprequest": ShopRequest.objects.first,
    "stockitem": StockItem.objects.first,
    "sale": Sale.objects.first,
    "synonymgroup": SynonymGroup.objects.first,
    "term": Term.objects.first,
    "card": Card.objects.first,
    "kiosk": Kiosk.objects.first,
    "presence": Presence.objects.first,
}


@pytest.mark.parametrize(("app", "model"), MODELS)
def test_changelist_opens_for_superuser(admin_client, mall, app, model):
    response = admin_client.get(reverse(f"admin:{app}_{model}_changelist"))

    assert response.status_code == 200


@pytest.mark.parametrize(("app", "model"), MODELS)
def test_change_view_opens_for_superuser(admin_client, mall, app, model):
    row = ROWS[model]()

    response = admin_client.get(reverse(f"admin:{app}_{model}_change", args=[row.pk]))

    assert response.status_code == 200


def test_changelist_search_finds_stock_by_barcode(admin_client, mall):
    make_item(mall["shop"], "Leather Boots", barcode="4006381333931")

    response = admin_client.get(reverse("admin:stock_stockitem_changelist"), {"q": "4006381333931"})

    assert b"Leather Boots" in response.content
    assert b"Canvas Tote" not in response.content


def test_customer_page_never_shows_the_token_or_its_hash(admin_client, mall):
    customer = mall["customer"]

    response = admin_client.get(reverse("admin:customers_customer_change", args=[customer.pk]))

    assert customer.token_hash.encode() not in response.content
    assert mall["token"].encode() not in response.content


def test_face_thumbnail_is_served_by_the_admin_view_without_caching(admin_client, mall):
    url = reverse("admin:customers_customer_face", args=[mall["customer"].pk])

    page = admin_client.get(reverse("admin:customers_customer_change", args=[mall["customer"].pk]))
    response = admin_client.get(url)

    assert url.encode() in page.content
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]


def test_face_view_is_refused_to_anonymous_users(client, mall):
    response = client.get(reverse("admin:customers_customer_face", args=[mall["customer"].pk]))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_erase_action_deletes_shopper_and_face_file(
    admin_client, mall, private_media, django_capture_on_commit_callbacks
):
    face = private_media / mall["customer"].face_image.name
    assert face.exists()

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:customers_customer_changelist"),
            {"action": "erase_selected", "_selected_action": [mall["customer"].pk]},
        )

    assert not Customer.objects.exists()
    assert not Card.objects.exists()
    assert not face.exists()


def test_delete_page_deletes_shopper_and_face_file(
    admin_client, mall, private_media, django_capture_on_commit_callbacks
):
    face = private_media / mall["customer"].face_image.name

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:customers_customer_delete", args=[mall["customer"].pk]),
            {"post": "yes"},
        )

    assert not Customer.objects.exists()
    assert not face.exists()


def test_kiosk_added_in_admin_gets_a_key_shown_once_that_works(admin_client, api, mall):
    response = admin_client.post(
        reverse("admin:kiosks_kiosk_add"),
        {"name": "entrance", "floor": "0", "x": "0", "y": "0", "is_active": "on"},
        follow=True,
    )
    message = next(str(m) for m in response.context["messages"] if "API key" in str(m))
    key = message.rsplit(" ", 1)[1]

    answer = sight(api, mall["token"], key=key)

    assert answer.status_code == 200
    assert answer.json()["at"]["kiosk"] == "entrance"


def test_revoke_action_stops_the_kiosks_key(admin_client, api, mall):
    created = make_kiosk(name="stolen", floor=0, x=0, y=0)

    admin_client.post(
        reverse("admin:kiosks_kiosk_changelist"),
        {"action": "revoke", "_selected_action": [created.kiosk.pk]},
    )
    answer = sight(api, mall["token"], key=created.key)

    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "authentication_failed"


def test_new_key_action_replaces_the_old_key(admin_client, api, mall):
    created = make_kiosk(name="rekeyed", floor=0, x=0, y=0)

    response = admin_client.post(
        reverse("admin:kiosks_kiosk_changelist"),
        {"action": "issue_new_key", "_selected_action": [created.kiosk.pk]},
        follow=True,
    )
    message = next(str(m) for m in response.context["messages"] if "API key" in str(m))
    new_key = message.rsplit(" ", 1)[1]

    def status(key):
        return sight(api, mall["token"], key=key).status_code

    assert (status(created.key), status(new_key)) == (401, 200)


def test_extend_validity_action_keeps_items_longer(admin_client, mall):
    item = StockItem.objects.get(name="Trail Running Shoes")
    before = item.expires_at

    admin_client.post(
        reverse("admin:stock_stockitem_changelist"),
        {"action": "extend_validity", "_selected_action": [item.pk]},
    )

    item.refresh_from_db()
    assert item.expires_at - before == timedelta(days=7)


def test_extend_validity_of_an_expired_item_counts_from_now(admin_client, mall):
    item = StockItem.objects.get(name="Trail Running Shoes")
    StockItem.objects.filter(pk=item.pk).update(expires_at=timezone.now() - timedelta(days=3))

    admin_client.post(
        reverse("admin:stock_stockitem_changelist"),
        {"action": "extend_validity", "_selected_action": [item.pk]},
    )

    item.refresh_from_db()
    assert item.expires_at > timezone.now() + timedelta(days=6)


def test_item_renamed_in_admin_is_matched_under_its_new_name(admin_client, mall):
    item = StockItem.objects.get(name="Canvas Tote")
    form = {
        "shop": mall["shop"].pk,
        "name": "Canvas Sneakers",
        "keywords": "[]",
        "quantity": "4",
        "price": "30.00",
        "barcode": "",
        "expires_at_0": item.expires_at.strftime("%Y-%m-%d"),
        "expires_at_1": item.expires_at.strftime("%H:%M:%S"),
    }

    admin_client.post(reverse("admin:stock_stockitem_change", args=[item.pk]), form)
    shopper = make_customer("trainers")
    answer = customer_sight(kiosk=mall["kiosk"], customer=shopper.customer)

    names = [offer["item"]["name"] for offer in answer["results"][0]["offers"]]
    assert names == ["Canvas Sneakers"]


def test_retention_cannot_be_added_twice(admin_client, mall):
    response = admin_client.get(reverse("admin:mall_retention_add"))

    assert response.status_code == 403


def test_item_keywords_that_are_not_a_list_of_words_are_refused(admin_client, mall):
    item = StockItem.objects.get(name="Canvas Tote")
    form = {
        "shop": mall["shop"].pk,
        "name": "Canvas Tote",
        "keywords": '{"colour": "red"}',
        "quantity": "4",
        "price": "30.00",
        "barcode": "",
        "expires_at_0": item.expires_at.strftime("%Y-%m-%d"),
        "expires_at_1": item.expires_at.strftime("%H:%M:%S"),
    }

    response = admin_client.post(reverse("admin:stock_stockitem_change", args=[item.pk]), form)

    assert response.status_code == 200  # the form again, with the error
    assert b"Enter a list of words" in response.content
    item.refresh_from_db()
    assert item.keywords == []


def offered_names(mall, customer) -> list[str]:
    customer.refresh_from_db()
    answer = customer_sight(kiosk=mall["kiosk"], customer=customer)
    return [offer["item"]["name"] for offer in answer["results"][0]["offers"]]


def test_a_synonym_group_added_in_admin_reaches_wants_recorded_before(admin_client, mall):
    make_item(mall["shop"], "Rain Cagoule")
    customer = make_customer("rain jacket").customer
    assert offered_names(mall, customer) == []

    admin_client.post(reverse("admin:matching_synonymgroup_add"), {"words": "jacket, cagoule"})

    assert offered_names(mall, customer) == ["Rain Cagoule"]


#: How the admin takes the ``sneakers, trainers`` group away: (URL, form) for its pk.
SYNONYM_REMOVALS = {
    "edited": lambda pk: (
        reverse("admin:matching_synonymgroup_change", args=[pk]),
        {"words": "sneakers, pumps"},
    ),
    "deleted": lambda pk: (
        reverse("admin:matching_synonymgroup_delete", args=[pk]),
        {"post": "yes"},
    ),
    "deleted-by-the-action": lambda pk: (
        reverse("admin:matching_synonymgroup_changelist"),
        {"action": "delete_selected", "_selected_action": [pk], "post": "yes"},
    ),
}


@pytest.mark.parametrize("how", SYNONYM_REMOVALS)
def test_a_synonym_group_edited_or_deleted_in_admin_reaches_wants_recorded_before(
    admin_client, mall, how
):
    make_item(mall["shop"], "White Trainers")  # matches "sneakers" only through the group
    customer = make_customer("white sneakers").customer
    assert offered_names(mall, customer) == ["White Trainers"]
    group = SynonymGroup.objects.get()

    admin_client.post(*SYNONYM_REMOVALS[how](group.pk))

    assert not SynonymGroup.objects.filter(words="sneakers, trainers").exists()
    assert offered_names(mall, customer) == []


@pytest.mark.parametrize(
    ("words", "message"),
    [
        ("sneakers", "A group needs at least two comma-separated entries."),
        ("sneakers, ???", "A group needs at least two comma-separated entries."),
        ("sneakers =>", "A mapping needs words on both sides of =&gt;."),
    ],
)
def test_a_synonym_group_that_import_synonyms_would_refuse_is_refused_in_admin(
    admin_client, mall, words, message
):
    token = IndexVersion.objects.get().token

    response = admin_client.post(reverse("admin:matching_synonymgroup_add"), {"words": words})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert list(SynonymGroup.objects.values_list("words", flat=True)) == ["sneakers, trainers"]
    assert IndexVersion.objects.get().token == token

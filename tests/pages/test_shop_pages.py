"""Clerk pages: login, the dashboard of one's own shop only, the screen, the CSV upload."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from stock.models import StockItem
from tests.factories import MembershipFactory, ShopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(client):
    membership = MembershipFactory(shop=ShopFactory(slug="shoes"))
    client.force_login(membership.user)
    return membership


def upload(client, text: str):
    csv = SimpleUploadedFile("stock.csv", text.encode(), content_type="text/csv")
    return client.post("/shop/shoes/stock/import/", {"file": csv})


def test_dashboard_asks_an_anonymous_visitor_to_log_in(client):
    response = client.get("/shop/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/shop/login/")


def test_clerk_of_one_shop_lands_on_its_dashboard(client, clerk):
    response = client.get("/shop/", follow=True)

    assert response.redirect_chain[-1][0] == "/shop/shoes/"
    assert b'id="cards"' in response.content


def test_clerk_of_another_shop_gets_no_dashboard(client, clerk):
    ShopFactory(slug="books")

    assert client.get("/shop/books/").status_code == 403
    assert client.get("/shop/books/screen/").status_code == 403


def test_screen_page_opens_for_the_clerk(client, clerk):
    response = client.get("/shop/shoes/screen/")

    assert response.status_code == 200
    assert b"/static/js/screen.js" in response.content


def test_csv_upload_imports_every_line_of_a_good_file(client, clerk):
    answer = upload(client, "name,keywords,quantity,price\nTrail Shoes,running;trail,3,89.90\n")

    assert answer.json() == {"imported": 1, "created": 1, "updated": 0}
    assert StockItem.objects.get().keywords == ["running", "trail"]


def test_csv_upload_updates_the_item_with_the_same_barcode(client, clerk):
    header = "name,keywords,quantity,price,barcode\n"
    upload(client, header + "Trail Shoes,,3,89.90,400\n")

    answer = upload(client, header + "Trail Shoes,,7,79.90,400\n")

    assert answer.json() == {"imported": 1, "created": 0, "updated": 1}
    item = StockItem.objects.get()
    assert (item.quantity, str(item.price)) == (7, "79.90")


def test_csv_upload_names_every_bad_line_and_imports_nothing(client, clerk):
    answer = upload(
        client,
        "name,keywords,quantity,price\nGood,,1,1.00\nBad,,-1,1.00\nWorse,,1,abc\n",
    )

    assert answer.status_code == 400
    lines = [error["line"] for error in answer.json()["error"]["fields"]]
    assert lines == [3, 4]
    assert not StockItem.objects.exists()


def test_csv_upload_for_another_shop_is_refused(client, clerk):
    ShopFactory(slug="books")
    csv = SimpleUploadedFile("stock.csv", b"name,keywords,quantity,price\nA,,1,1\n")

    answer = client.post("/shop/books/stock/import/", {"file": csv})

    assert answer.status_code == 403
    assert not StockItem.objects.exists()


def test_login_form_logs_a_clerk_in_and_opens_the_dashboard(client):
    membership = MembershipFactory(shop=ShopFactory(slug="shoes"))

    response = client.post(
        "/shop/login/",
        {"username": membership.user.username, "password": "pass-word-123"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == "/shop/shoes/"


def test_login_form_says_when_the_password_is_wrong(client):
    membership = MembershipFactory()

    response = client.post(
        "/shop/login/", {"username": membership.user.username, "password": "nope"}
    )

    assert b"Wrong username or password." in response.content


def test_csv_upload_of_many_bad_lines_answers_a_short_list(client, clerk):
    # Given a file of 60,000 bad lines, each with a long name (4.9 MB)
    bad = "".join(f"{'x' * 60},,-1,abc\n" for _ in range(60_000))
    assert len(bad) > 4_000_000

    answer = upload(client, "name,keywords,quantity,price\n" + bad)

    # then every line is counted, the first 100 are named, and the answer stays small
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["message"].startswith("60000 lines of the file have a problem")
    assert len(error["fields"]) == 100
    assert len(answer.content) < 40_000
    assert not StockItem.objects.exists()

"""The entrance kiosk page: registration through the form, errors, the one-time result."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from customers.models import Customer

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "want_name": ["running shoes", "", ""],
        "want_keywords": ["trainers, sneakers", "", ""],
        "want_level": ["5", "3", "3"],
        "payment_method": "card",
        "ranking": "nearest",
    }
    data.update(overrides)
    return data


def test_kiosk_form_shows_consent_text_with_retention_days(client):
    response = client.get("/kiosk/")

    assert response.status_code == 200
    text = response.content.decode()
    assert "at most 7 days" in text
    assert "never publicly" in text


def test_registration_with_photo_shows_code_and_pairing_qr(client, jpeg):
    photo = SimpleUploadedFile("me.jpg", jpeg, content_type="image/jpeg")

    response = client.post("/kiosk/", {**form_data(consent="on"), "face_image": photo}, follow=True)

    customer = Customer.objects.get()
    assert customer.face_image
    assert [(d.name, d.keywords, d.level) for d in customer.desires.all()] == [
        ("running shoes", ["trainers", "sneakers"], 5)
    ]
    page = response.content.decode()
    assert customer.code in page
    assert "<svg" in page
    assert "/me/pair/#" in response.context["pair_url"]


def test_result_page_is_shown_only_once(client):
    client.post("/kiosk/", form_data())

    first = client.get("/kiosk/done/")
    again = client.get("/kiosk/done/")

    assert first.status_code == 200
    assert again.status_code == 302
    assert again.headers["Location"] == "/kiosk/"


def test_photo_without_consent_is_refused_with_a_clear_error(client, jpeg):
    photo = SimpleUploadedFile("me.jpg", jpeg, content_type="image/jpeg")

    response = client.post("/kiosk/", {**form_data(), "face_image": photo})

    assert response.status_code == 400
    assert "Tick the box to agree" in response.content.decode()
    assert not Customer.objects.exists()


def test_form_without_any_want_says_so(client):
    response = client.post("/kiosk/", form_data(want_name=["", "", ""], want_keywords=["", "", ""]))

    assert response.status_code == 400
    assert "Enter at least one wanted product." in response.content.decode()


def test_bad_level_is_reported_on_its_row_and_the_rows_are_kept(client):
    response = client.post("/kiosk/", form_data(want_level=["9", "3", "3"]))

    page = response.content.decode()
    assert "Choose how much you want it, from 1 to 5." in page
    assert re.search(r'value="running shoes"', page)


def test_file_that_is_not_an_image_is_refused_on_the_photo_field(client):
    fake = SimpleUploadedFile("me.jpg", b"not an image", content_type="image/jpeg")

    response = client.post("/kiosk/", {**form_data(consent="on"), "face_image": fake})

    assert response.status_code == 400
    assert "could not be read as an image" in response.content.decode()
    assert not Customer.objects.exists()


@pytest.mark.parametrize(
    "row",
    [
        {"want_name": ["running\x00shoes", "", ""]},
        {"want_keywords": ["trainers, \x00", "", ""]},
    ],
)
def test_a_want_with_a_nul_character_is_refused_on_its_row(client, row):
    response = client.post("/kiosk/", form_data(**row))

    assert response.status_code == 400
    assert "Remove the control characters" in response.content.decode()
    assert not Customer.objects.exists()

"""POST /api/customers/: registration, its validation and the face photo rules."""

import io
import json

import pytest
from PIL import Image

from customers.models import Customer
from tests.conftest import jpeg_bytes
from tests.helpers import bearer, kiosk_auth

pytestmark = pytest.mark.django_db

WANTS = [{"name": "running shoes", "keywords": ["sneakers"], "level": 4}]


def register(api, **overrides):
    body = {"desires": WANTS, "payment_method": "card", "ranking": "nearest"} | overrides
    return api.post("/api/customers/", body, format="json")


def register_with_photo(api, photo: bytes, *, consent: bool = True, name: str = "me.jpg"):
    upload = io.BytesIO(photo)
    upload.name = name
    return api.post(
        "/api/customers/",
        {
            "desires": json.dumps(WANTS),
            "payment_method": "cash",
            "consent": "true" if consent else "false",
            "face_image": upload,
        },
        format="multipart",
    )


def test_registration_answers_code_token_and_expiry(api):
    response = register(api)

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"code", "token", "expires_at"}
    customer = Customer.objects.get(code=body["code"])
    assert customer.desires.get().level == 4
    assert body["token"] not in customer.token_hash  # only the hash is stored


def test_registered_token_reads_own_profile(api):
    token = register(api).json()["token"]

    response = api.get("/api/me/", **bearer(token))

    assert response.status_code == 200
    assert response.json()["desires"][0]["name"] == "running shoes"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"payment_method": "bitcoin"}, "payment_method"),
        ({"ranking": "random"}, "ranking"),
        ({"desires": []}, "desires"),
        ({"desires": [{"name": "x", "level": 6}]}, "level"),
        ({"desires": [{"name": "x", "level": 0}]}, "level"),
        ({"desires": [{"name": "x" * 101}]}, "name"),
        ({"desires": [{"name": "x", "keywords": ["k" * 101]}]}, "keywords"),
        ({"desires": [{"name": "x", "keywords": "notalist"}]}, "keywords"),
        ({"desires": [{"name": "x"}] * 21}, "desires"),
        ({"desires": "shoes"}, "desires"),
        ({"desires": [{"level": 3}]}, "name"),
    ],
)
def test_bad_registration_is_a_400_in_the_error_shape(api, overrides, field):
    response = register(api, **overrides)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in json.dumps(error["fields"])  # the field, for programs
    assert "_" not in error["message"] and error["message"].endswith(".")  # a sentence, for people
    assert Customer.objects.count() == 0


def test_malformed_json_is_a_400_in_the_error_shape(api):
    response = api.generic("POST", "/api/customers/", "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_json_that_is_not_an_object_is_a_400(api):
    response = api.generic("POST", "/api/customers/", "[1, 2]", content_type="application/json")

    assert response.status_code == 400
    assert "error" in response.json()


def test_photo_is_reencoded_small_and_without_metadata(api, private_media):
    response = register_with_photo(api, jpeg_bytes((2000, 1500), exif=True))

    assert response.status_code == 201, response.json()
    customer = Customer.objects.get(code=response.json()["code"])
    path = private_media / customer.face_image.name
    with Image.open(path) as stored:
        assert stored.format == "JPEG"
        assert max(stored.size) == 512
        assert not stored.getexif()
    assert b"SpyCam" not in path.read_bytes()
    assert customer.consent_at is not None


def test_photo_file_name_is_random_not_the_upload_name(api):
    response = register_with_photo(api, jpeg_bytes(), name="jane-doe.jpg")

    customer = Customer.objects.get(code=response.json()["code"])
    assert "jane" not in customer.face_image.name


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_photos_are_accepted_as_jpeg(api, private_media, fmt):
    response = register_with_photo(api, jpeg_bytes((300, 300), fmt=fmt), name="face.png")

    assert response.status_code == 201
    customer = Customer.objects.get(code=response.json()["code"])
    with Image.open(private_media / customer.face_image.name) as stored:
        assert stored.format == "JPEG"


def test_photo_without_consent_is_refused_and_nothing_kept(api, private_media):
    response = register_with_photo(api, jpeg_bytes(), consent=False)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "consent_required"
    assert Customer.objects.count() == 0
    assert not list(private_media.rglob("*.jpg"))


@pytest.mark.parametrize(
    "payload",
    [b"this is not an image at all", b"GIF89a" + b"\x00" * 100, jpeg_bytes(fmt="GIF")],
)
def test_non_image_or_other_format_is_refused_by_content(api, payload):
    response = register_with_photo(api, payload, name="face.jpg")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_image"
    assert Customer.objects.count() == 0


def test_photo_over_5_mb_is_refused(api):
    response = register_with_photo(api, jpeg_bytes() + b"\0" * (5 * 1024 * 1024))

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "image_too_large"


def test_photo_over_the_pixel_limit_is_refused(api, monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100 * 100)

    response = register_with_photo(api, jpeg_bytes((200, 200)))

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "image_too_large"


def test_photo_is_stored_outside_static_and_has_no_public_url(api, private_media, settings):
    response = register_with_photo(api, jpeg_bytes())

    customer = Customer.objects.get(code=response.json()["code"])
    assert (private_media / customer.face_image.name).exists()
    with pytest.raises(ValueError):
        customer.face_image.url  # noqa: B018 - the property itself must refuse
    assert api.get(f"/media/{customer.face_image.name}").status_code == 404


def test_registration_is_throttled(api, throttle_rates):
    throttle_rates(registration="2/minute")

    codes = [register(api).status_code for _ in range(3)]

    assert codes == [201, 201, 429]
    assert register(api).json()["error"]["code"] == "throttled"


def test_kiosk_registering_handhelds_is_not_throttled(api, throttle_rates):
    from tests.factories import make_kiosk

    throttle_rates(registration="2/minute")
    key = make_kiosk(floor=0, x=0, y=0).key
    api.credentials(**kiosk_auth(key))

    codes = [register(api).status_code for _ in range(3)]

    assert codes == [201, 201, 201]


def test_registration_with_a_bad_kiosk_key_is_refused(api):
    api.credentials(HTTP_AUTHORIZATION="Api-Key nope.nope")

    assert register(api).status_code == 401

"""Shopper API: registration, own profile, shares and requests; a shop's view of a shopper."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.fields import FlagField, SlugText, TextField, WholeNumberField
from core.parsers import JSONParser, json_loads, validated
from core.schema import OBJECT_LIST
from core.throttles import (
    RegistrationThrottle,
    ShopperThrottle,
)
from customers.authentication import IsShopper, authenticated_customer
from customers.faces import MAX_BYTES
from customers.models import PaymentMethod, Ranking
from customers.payloads import customer_profile, customer_serving, share_payload
from customers.selectors import (
    customer_requests,
    shop_request_of,
    shop_requests,
    visible_customer,
)
from customers.services import DesireInput, desire_note_set, shop_request_payload
from kiosks.authentication import KioskKeyAuthentication, request_kiosk, shop_for_clerk
from mall.selectors import shop_by_slug
from stock.payloads import hold_payload
from stock.selectors import customer_hold
from workflows.answers import me_answer
from workflows.holds import alternative_accept, alternative_dismiss, hold_cancel
from workflows.looks import (
    share_by_code,
    share_by_shopper,
    shop_shares_look,
    shopper_face_look,
    shopper_wants_look,
)
from workflows.shoppers import (
    customer_delete,
    customer_register,
    customer_update,
    share_withdraw,
    shop_request_create,
    shop_request_reply,
)
from workflows.sightings import customer_checkin, customer_leave, customer_register_at

MAX_DESIRES = 20
MAX_KEYWORDS = 10


class DesireSerializer(serializers.Serializer):
    name = TextField(max_length=100, trim_whitespace=True)
    keywords = serializers.ListField(
        child=TextField(max_length=100), max_length=MAX_KEYWORDS, default=list
    )
    level = WholeNumberField(min_value=1, max_value=5, default=3)


class DesiresField(serializers.ListField):
    """A JSON list of wants."""

    child = DesireSerializer()


@extend_schema_field(
    {"type": "string", "description": "The wants as JSON text: a list of {name, keywords, level}"}
)
class FormDesiresField(DesiresField):
    """A list of wants; in a multipart form it arrives as one JSON string."""

    def get_value(self, dictionary: Any) -> Any:
        # A form gives the JSON text as one value; ListField would read it as a list of one.
        if hasattr(dictionary, "getlist") and self.field_name in dictionary:
            return dictionary.get(self.field_name)
        return super().get_value(dictionary)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str):
            try:
                data = json_loads(data)
            except ValueError as exc:
                raise serializers.ValidationError("Not valid JSON.") from exc
        return super().to_internal_value(data)


def _desire_inputs(items: list[dict[str, Any]]) -> list[DesireInput]:
    return [
        DesireInput(
            name=item["name"],
            keywords=[k.strip() for k in item["keywords"] if k.strip()],
            level=item["level"],
        )
        for item in items
    ]


class ShopRequestSerializer(serializers.Serializer):
    """A shopper's request to a shop (``shop_request_payload``)."""

    id = serializers.IntegerField()
    customer = serializers.CharField()
    shop = serializers.CharField()
    text = serializers.CharField()
    reply = serializers.CharField()
    created_at = serializers.DateTimeField()
    replied_at = serializers.DateTimeField(allow_null=True)


class CustomerRegisterApi(APIView):
    """Register a shopper; answers their code and secret token (shown once)."""

    # Only a kiosk key counts here: a shopper needs no login to register.
    authentication_classes = [KioskKeyAuthentication]
    parser_classes = [JSONParser, MultiPartParser]
    throttle_classes = [RegistrationThrottle]
    error_statuses = (429,)

    class InputSerializer(serializers.Serializer):
        desires = DesiresField(min_length=1, max_length=MAX_DESIRES)
        payment_method = serializers.ChoiceField(choices=PaymentMethod.choices)
        ranking = serializers.ChoiceField(choices=Ranking.choices, default=Ranking.NEAREST)
        consent = FlagField(default=False)

    class FormInputSerializer(serializers.Serializer):
        """The same as a multipart form, with the photo."""

        desires = FormDesiresField(min_length=1, max_length=MAX_DESIRES)
        payment_method = serializers.ChoiceField(choices=PaymentMethod.choices)
        ranking = serializers.ChoiceField(choices=Ranking.choices, default=Ranking.NEAREST)
        consent = serializers.BooleanField(default=False)
        face_image = serializers.FileField(required=False, allow_empty_file=False)

    class OutputSerializer(serializers.Serializer):
        code = serializers.CharField()
        token = serializers.CharField()
        expires_at = serializers.DateTimeField()

    @extend_schema(
        request={
            "application/json": InputSerializer,
            "multipart/form-data": FormInputSerializer,
        },
        responses={201: OutputSerializer},
    )
    def post(self, request: Request) -> Response:
        form = request.content_type.startswith("multipart/")
        data = validated(self.FormInputSerializer if form else self.InputSerializer, request.data)
        face = data.get("face_image")
        fields = {
            "desires": _desire_inputs(data["desires"]),
            "payment_method": data["payment_method"],
            "ranking": data["ranking"],
            "consent": data["consent"],
            "face_jpeg": _read_upload(face) if face is not None else None,
        }
        kiosk = request_kiosk(request)
        answer: dict[str, Any] = {}
        if kiosk is None:
            registration = customer_register(**fields)
        else:
            # Made at a kiosk (a handheld through its agent): a sighting there (S82).
            made = customer_register_at(kiosk=kiosk, radio=True, **fields)
            registration, answer = made.registration, made.answer
        body = {
            "code": registration.customer.code,
            "token": registration.token,
            "expires_at": registration.customer.expires_at,
        }
        if answer:
            body.update(at=answer["at"], results=answer["results"])
        return Response(body, status=status.HTTP_201_CREATED)


def _read_upload(upload: UploadedFile) -> bytes:
    # One byte over the limit is enough for face_image_clean to refuse it.
    return upload.read(MAX_BYTES + 1)


class MeApi(APIView):
    """The shopper's own profile and wants."""

    permission_classes = [IsShopper]

    class PatchSerializer(serializers.Serializer):
        # An empty list cancels every want (DESIGN.md, flow 5).
        desires = DesiresField(min_length=0, max_length=MAX_DESIRES, required=False)
        ranking = serializers.ChoiceField(choices=Ranking.choices, required=False)
        payment_method = serializers.ChoiceField(choices=PaymentMethod.choices, required=False)

    def get(self, request: Request) -> Response:
        customer = authenticated_customer(request)
        return Response(me_answer(customer))

    @extend_schema(request=PatchSerializer)
    def patch(self, request: Request) -> Response:
        data = validated(self.PatchSerializer, request.data)
        customer = authenticated_customer(request)
        results = customer_update(
            customer=customer,
            desires=_desire_inputs(data["desires"]) if "desires" in data else None,
            ranking=data.get("ranking"),
            payment_method=data.get("payment_method"),
        )
        return Response(
            {**customer_profile(customer), **customer_serving(customer), "results": results}
        )

    def delete(self, request: Request) -> Response:
        customer_delete(customer=authenticated_customer(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeCheckinsApi(APIView):
    """The shopper's phone scanned a kiosk's check-in QR code: a sighting there."""

    permission_classes = [IsShopper]

    class InputSerializer(serializers.Serializer):
        code = TextField(max_length=40)

    @extend_schema(request=InputSerializer)
    def post(self, request: Request) -> Response:
        data = validated(self.InputSerializer, request.data)
        return Response(
            customer_checkin(code=data["code"], customer=authenticated_customer(request))
        )


class MeDeparturesApi(APIView):
    """The shopper says they are leaving: cards withdrawn now, data erased after the grace."""

    permission_classes = [IsShopper]

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        customer_leave(customer=authenticated_customer(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeSharesApi(APIView):
    """The shopper lets a shop read their wants."""

    permission_classes = [IsShopper]

    class InputSerializer(serializers.Serializer):
        shop = SlugText(max_length=50)

    class OutputSerializer(serializers.Serializer):
        shop = serializers.CharField()
        created_at = serializers.DateTimeField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request: Request) -> Response:
        data = validated(self.InputSerializer, request.data)
        customer = authenticated_customer(request)
        share = share_by_shopper(customer=customer, shop=shop_by_slug(data["shop"]))
        return Response({"shop": share.shop.slug, "created_at": share.created_at}, status=201)


class MeShareDetailApi(APIView):
    """The shopper withdraws their share with a shop."""

    permission_classes = [IsShopper]

    def delete(self, request: Request, slug: str) -> Response:
        share_withdraw(customer=authenticated_customer(request), shop=shop_by_slug(slug))
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeHoldsApi(APIView):
    """What shops do for the shopper: their holds, alternatives and shares, without the
    list of shops (what a kiosk adds to a handheld's ``shops`` frame)."""

    permission_classes = [IsShopper]

    def get(self, request: Request) -> Response:
        return Response(customer_serving(authenticated_customer(request)))


class MeHoldDetailApi(APIView):
    """The shopper cancels a hold a shop made for them."""

    permission_classes = [IsShopper]

    def delete(self, request: Request, hold_id: int) -> Response:
        hold_cancel(
            hold=customer_hold(customer_id=authenticated_customer(request).pk, hold_id=hold_id)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeAlternativeAcceptApi(APIView):
    """The shopper accepts an alternative: one unit is held for them."""

    permission_classes = [IsShopper]

    error_statuses = (409,)

    @extend_schema(request=None, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, alternative_id: int) -> Response:
        hold = alternative_accept(
            customer=authenticated_customer(request), alternative_id=alternative_id
        )
        return Response(hold_payload(hold), status=status.HTTP_201_CREATED)


class MeAlternativeDetailApi(APIView):
    """The shopper dismisses an alternative."""

    permission_classes = [IsShopper]

    def delete(self, request: Request, alternative_id: int) -> Response:
        alternative_dismiss(customer=authenticated_customer(request), alternative_id=alternative_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeRequestsApi(APIView):
    """The shopper sends a shop a message (sharing with it)."""

    permission_classes = [IsShopper]

    class InputSerializer(serializers.Serializer):
        shop = SlugText(max_length=50)
        text = TextField(max_length=500)

    error_statuses = (429,)

    def get_throttles(self) -> list[Any]:
        # Only sending is limited (a shop's screen gets each one live); reading is not.
        return [ShopperThrottle()] if self.request.method == "POST" else []

    @extend_schema(responses={200: ShopRequestSerializer(many=True)})
    def get(self, request: Request) -> Response:
        requests = customer_requests(customer=authenticated_customer(request))
        return Response([shop_request_payload(r) for r in requests])

    @extend_schema(request=InputSerializer, responses={201: ShopRequestSerializer})
    def post(self, request: Request) -> Response:
        data = validated(self.InputSerializer, request.data)
        shop_request = shop_request_create(
            customer=authenticated_customer(request),
            shop=shop_by_slug(data["shop"]),
            text=data["text"],
        )
        return Response(shop_request_payload(shop_request), status=201)


class ShopCustomerApi(APIView):
    """A shopper's wants, for a shop they shared with or were sighted matching."""

    error_statuses = (429,)

    def get(self, request: Request, slug: str, code: str) -> Response:
        customer = shopper_wants_look(
            shop=shop_for_clerk(request, slug),
            code=code,
            clerk=request.user,
            kiosk=request_kiosk(request),
        )
        profile = customer_profile(customer)
        profile.pop("has_face_image")
        return Response(profile)


class ShopCustomerFaceApi(APIView):
    """The shopper's photo, only for a shop holding their live card or share."""

    error_statuses = (429,)

    @extend_schema(responses={(200, "image/jpeg"): OpenApiTypes.BINARY})
    def get(self, request: Request, slug: str, code: str) -> FileResponse:
        customer = shopper_face_look(
            shop=shop_for_clerk(request, slug),
            code=code,
            clerk=request.user,
            kiosk=request_kiosk(request),
        )
        response = FileResponse(customer.face_image.open("rb"), content_type="image/jpeg")
        response["Cache-Control"] = "private, no-store"
        return response


class ShopSharesApi(APIView):
    """GET: who shared with the shop, with their wants. POST: a clerk typed or scanned a
    shopper's code: the shopper showed it, so it is a share."""

    error_statuses = (429,)

    class InputSerializer(serializers.Serializer):
        customer = TextField(max_length=20)

    @extend_schema(responses={200: OBJECT_LIST})
    def get(self, request: Request, slug: str) -> Response:
        shop = shop_for_clerk(request, slug)
        # Every shopper listed, with their wants, is a look by this clerk.
        shares = shop_shares_look(shop=shop, clerk=request.user)
        return Response(
            [share_payload(share, list(share.customer.desires.all())) for share in shares]
        )

    @extend_schema(request=InputSerializer, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, slug: str) -> Response:
        shop = shop_for_clerk(request, slug)
        data = validated(self.InputSerializer, request.data)
        customer = share_by_code(
            shop=shop, code=data["customer"], clerk=request.user, kiosk=request_kiosk(request)
        )
        return Response(customer_profile(customer), status=201)


class ShopDesireNoteApi(APIView):
    """A shop with access notes something on a shopper's want (e.g. an item kept for them)."""

    error_statuses = (429,)

    class InputSerializer(serializers.Serializer):
        note = TextField(max_length=200, allow_blank=True)

    @extend_schema(request=InputSerializer)
    def patch(self, request: Request, slug: str, code: str, desire_id: int) -> Response:
        customer = visible_customer(shop=shop_for_clerk(request, slug), code=code)
        data = validated(self.InputSerializer, request.data)
        desire = desire_note_set(customer=customer, desire_id=desire_id, note=data["note"])
        return Response({"id": desire.pk, "name": desire.name, "note": desire.note})


class ShopRequestsApi(APIView):
    """The requests shoppers sent this shop, newest first."""

    @extend_schema(responses={200: ShopRequestSerializer(many=True)})
    def get(self, request: Request, slug: str) -> Response:
        shop = shop_for_clerk(request, slug)
        requests = shop_requests(shop_id=shop.pk)
        return Response([shop_request_payload(r) for r in requests])


class ShopRequestReplyApi(APIView):
    """A clerk answers a request."""

    class InputSerializer(serializers.Serializer):
        text = TextField(max_length=500)

    @extend_schema(request=InputSerializer, responses={200: ShopRequestSerializer})
    def post(self, request: Request, slug: str, request_id: int) -> Response:
        shop = shop_for_clerk(request, slug)
        data = validated(self.InputSerializer, request.data)
        shop_request = shop_request_reply(
            request=shop_request_of(shop_id=shop.pk, request_id=request_id), text=data["text"]
        )
        return Response(shop_request_payload(shop_request))

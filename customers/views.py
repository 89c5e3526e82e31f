"""Shopper pages: the entrance kiosk form (``/kiosk/``) and the phone page (``/me/``).

Views check input and call one service; the phone page's script then talks to the JSON API
(``/api/me/...``) with its paired session and to ``/ws/me/`` for the live list.
"""

from __future__ import annotations

import json

import segno
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_http_methods

from customers.apis import customer_profile
from customers.forms import RegistrationForm
from customers.pairing import (
    TICKET_MAX_AGE,
    PairingFailed,
    paired_customer,
    pairing_ticket_create,
    pairing_ticket_redeem,
)
from customers.services import customer_register
from mall.api_errors import error_body
from mall.errors import DomainError
from mall.parsers import json_loads
from mall.selectors import retention_current, shops_all

#: Session key of the kiosk's last registration, shown once by ``kiosk_done``.
KIOSK_RESULT = "kiosk_result"
#: Rows of wants the empty form starts with.
EMPTY_WANT_ROWS = 3


@never_cache
@require_http_methods(["GET", "POST"])
def kiosk_form(request: HttpRequest) -> HttpResponse:
    """The entrance kiosk: wants, payment, ranking, and a photo only with consent."""
    form = RegistrationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            registration = customer_register(
                desires=form.desires,
                payment_method=data["payment_method"],
                ranking=data["ranking"],
                consent=data["consent"],
                face_jpeg=data["face_image"],
            )
        except DomainError as error:
            form.add_error("face_image" if "image" in error.code else None, error.message)
        else:
            # Post/redirect/get: a reload of the result page cannot register twice, and the
            # result is shown once, then gone from this shared kiosk's session.
            request.session[KIOSK_RESULT] = {
                "code": registration.customer.code,
                "token": registration.token,
                "ticket": pairing_ticket_create(customer=registration.customer),
            }
            return redirect("kiosk-done")
    rows = form.want_rows or [{"name": "", "keywords": "", "level": "3"}] * EMPTY_WANT_ROWS
    return render(
        request,
        "customers/kiosk_form.html",
        {
            "form": form,
            "want_rows": [
                {**row, "error": form.want_errors.get(index, "")} for index, row in enumerate(rows)
            ],
            "levels": range(1, 6),
            "retention": retention_current(),
        },
        status=400 if request.method == "POST" else 200,
    )


@never_cache
def kiosk_done(request: HttpRequest) -> HttpResponse:
    """The shopper's code and the QR code that pairs their phone, shown once."""
    result = request.session.pop(KIOSK_RESULT, None)
    if result is None:
        return redirect("kiosk")
    # The ticket goes in the fragment: browsers never send it, so no log ever holds it.
    pair_url = f"{request.build_absolute_uri(reverse('me-pair'))}#{result['ticket']}"
    qr_svg = segno.make(pair_url, error="m").svg_inline(scale=5, border=2, dark="#111")
    return render(
        request,
        "customers/kiosk_done.html",
        {
            "code": result["code"],
            "token": result["token"],
            "pair_url": pair_url,
            "qr_svg": qr_svg,
            "ticket_minutes": TICKET_MAX_AGE // 60,
        },
    )


@never_cache
@ensure_csrf_cookie
@require_http_methods(["GET", "POST"])
def me_pair(request: HttpRequest) -> HttpResponse:
    """GET: the page whose script reads the ticket from the URL fragment. POST (JSON
    ``{"ticket"}``): pair this session; the script then goes to ``/me/``."""
    if request.method == "GET":
        return render(request, "customers/me_pair.html")
    try:
        ticket = str(json_loads(request.body or b"{}").get("ticket", ""))
    except (ValueError, AttributeError):
        ticket = ""
    try:
        customer = pairing_ticket_redeem(ticket=ticket, session=request.session)
    except PairingFailed as error:
        return JsonResponse(error_body(error.code, error.message), status=error.status)
    return JsonResponse({"code": customer.code, "next": reverse("me")})


@never_cache
@ensure_csrf_cookie
def me_page(request: HttpRequest) -> HttpResponse:
    """The phone page: the live ranked list, wants, sharing, requests, erasure."""
    customer = paired_customer(request.session)
    if customer is None:
        return render(request, "customers/me_unpaired.html")
    return render(
        request,
        "customers/me.html",
        {
            "customer": customer,
            "profile": json.loads(json.dumps(customer_profile(customer), default=str)),
            "shops": [{"slug": s.slug, "name": s.name, "floor": s.floor} for s in shops_all()],
        },
    )

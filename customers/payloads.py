"""The shapes of customers' answers, shared by its HTTP APIs, its pages, the answers that
span apps (``workflows.answers``) and the live pushes (``matching.realtime`` wraps them in
its messages): a shopper's profile, what shops do for them, a share."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from customers.models import Customer, DesiredProduct, Share
from customers.selectors import customer_shares
from stock.payloads import customer_alternatives_payload, customer_holds_payload


def share_payload(share: Share, desires: Sequence[DesiredProduct]) -> dict[str, Any]:
    """A shopper who shared with a shop: who, when, and what they want."""
    return {
        "customer": share.customer.code,
        "created_at": share.created_at.isoformat(),
        "desires": [
            {"id": d.pk, "name": d.name, "keywords": d.keywords, "level": d.level, "note": d.note}
            for d in desires
        ],
    }


def customer_profile(customer: Customer) -> dict[str, Any]:
    return {
        "code": customer.code,
        "payment_method": customer.payment_method,
        "ranking": customer.ranking,
        "has_face_image": bool(customer.face_image),
        "consent_at": customer.consent_at,
        "expires_at": customer.expires_at,
        "desires": [
            {
                "id": d.pk,
                "name": d.name,
                "keywords": d.keywords,
                "level": d.level,
                "note": d.note,
                "expires_at": d.expires_at,
            }
            for d in customer.desires.all()
        ],
    }


def customer_serving(customer: Customer) -> dict[str, Any]:
    """What shops do for the shopper: ``holds`` and ``alternatives``; and ``shares``, the
    shops they shared with (GET /api/me/)."""
    return {
        "holds": customer_holds_payload(customer_id=customer.pk),
        "alternatives": customer_alternatives_payload(customer_id=customer.pk),
        "shares": [
            {"shop": share.shop.slug, "name": share.shop.name, "created_at": share.created_at}
            for share in customer_shares(customer=customer)
        ],
    }

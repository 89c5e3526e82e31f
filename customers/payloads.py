"""The shapes of customers' answers shared by its HTTP APIs and the live pushes
(``matching.realtime`` wraps them in its messages): a share."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from customers.models import DesiredProduct, Share


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

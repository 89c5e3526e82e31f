"""Prices as people read them: the mall's currency (``CURRENCY``) in the page's language
(``LANGUAGE_CODE``). The API keeps decimal strings ("12.50"); only pages format them."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import formats, translation

#: Symbols of the usual currencies; any other code is written out ("CHF 12.50").
SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "INR": "₹"}
#: Languages that write the symbol after the amount ("12,50 €").
SYMBOL_AFTER = {"de", "fr", "es", "it", "nl", "pt", "fi", "sv", "da", "nb", "pl", "cs"}


def money(value: object, currency: str | None = None) -> str:
    """``value`` (a decimal or decimal string) as a price: "€12.50" in English."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    code = (currency or settings.CURRENCY).upper()
    number = formats.number_format(amount, 2, use_l10n=True, force_grouping=True)
    symbol = SYMBOLS.get(code)
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if symbol is None:
        return f"{code} {number}"
    if language in SYMBOL_AFTER:
        return f"{number}\u00a0{symbol}"
    return f"{symbol}{number}"

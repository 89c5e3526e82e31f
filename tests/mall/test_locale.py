"""One price and date format from the locale, the mall's currency, and Django's translation
machinery: a German browser gets the German pages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from core.money import money


def test_prices_show_the_malls_currency_in_the_pages_language(settings) -> None:
    # Given the default currency (EUR)
    assert settings.CURRENCY == "EUR"
    # When prices are formatted / Then English puts the symbol first, German after
    with translation.override("en"):
        assert money("12.5") == "€12.50"
        assert money("1234.50") == "€1,234.50"
    with translation.override("de"):
        assert money("1234.50") == "1.234,50\u00a0€"
    # And another currency is written with its symbol, or its code when it has none
    settings.CURRENCY = "USD"
    with translation.override("en"):
        assert money("12.50") == "$12.50"
    settings.CURRENCY = "CHF"
    with translation.override("en"):
        assert money("12.50") == "CHF 12.50"


def test_dates_have_one_format_as_the_scripts_write_them() -> None:
    # Given a moment / When a template writes it / Then as Intl's "medium" does in English
    moment = datetime(2026, 12, 8, 21, 41, tzinfo=UTC)
    template = Template('{{ moment|date:"DATETIME_FORMAT" }} · {{ moment|date:"DATE_FORMAT" }}')
    with translation.override("en"):
        assert template.render(Context({"moment": moment})) == "Dec 8, 2026, 9:41 PM · Dec 8, 2026"


@pytest.mark.django_db
def test_a_german_browser_gets_the_entrance_page_in_german(client) -> None:
    # Given a browser that prefers German / When it opens the entrance page
    page = client.get("/kiosk/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9").content.decode()
    # Then the page is German and says so
    assert '<html lang="de"' in page
    assert "Was suchen Sie heute?" in page
    # And an English browser gets English
    english = client.get("/kiosk/", HTTP_ACCEPT_LANGUAGE="en-GB").content.decode()
    assert "What are you looking for today?" in english


@pytest.mark.django_db
def test_pages_carry_the_currency_for_their_scripts_and_a_favicon(client, settings) -> None:
    settings.CURRENCY = "GBP"
    page = client.get("/").content.decode()
    assert 'data-currency="GBP"' in page
    assert 'rel="icon" href="/static/favicon.svg"' in page
    assert client.get("/static/favicon.svg").status_code == 200

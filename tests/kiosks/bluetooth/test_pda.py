"""The terminal handheld (``manage.py pda``): wants, token file, and a full run."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path
from typing import Any

import pytest

from customers.models import Customer
from kiosks.bluetooth.agent import running_kiosk
from kiosks.bluetooth.departures import Backoff
from kiosks.bluetooth.pda import (
    BELL,
    PdaError,
    PdaOptions,
    TokenFile,
    format_results,
    parse_want,
    run_pda,
)
from kiosks.bluetooth.protocol import Desire
from matching.models import Card
from tests.factories import ShopFactory, make_customer, make_item, make_kiosk


def test_want_with_level_and_keywords_is_parsed() -> None:
    # Given a want as typed on the command line / When parsed
    desire = parse_want("running shoes:4:trainers, sneakers")
    # Then name, level and keywords are separated
    assert desire == Desire(name="running shoes", keywords=("trainers", "sneakers"), level=4)


def test_want_without_level_gets_level_three() -> None:
    assert parse_want("tea") == Desire(name="tea", level=3)


@pytest.mark.parametrize("text", ["shoes:9", "shoes:high", ":3"], ids=["range", "word", "no-name"])
def test_bad_want_is_refused_with_a_message(text: str) -> None:
    with pytest.raises(PdaError):
        parse_want(text)


def test_token_file_is_private_and_round_trips(tmp_path: Path) -> None:
    # Given a saved token
    tokens = TokenFile(tmp_path / "pda.json")
    tokens.save("K7Q2XB", "secret")
    # Then it loads back and only its owner can read the file
    assert tokens.load() == {"code": "K7Q2XB", "token": "secret"}
    assert (tmp_path / "pda.json").stat().st_mode & 0o077 == 0


def test_results_are_printed_ranked_with_shop_distance_and_price() -> None:
    # Given a sighting answer with two offers
    results = [
        {
            "desire": {"id": 1, "name": "running shoes"},
            "offers": [
                {
                    "shop": {"slug": "b", "name": "Bargain Feet", "floor": 1, "x": 0, "y": 0},
                    "item": {"id": 2, "name": "Running shoes", "price": "45.00", "quantity": 3},
                    "distance_m": 66.2,
                },
                {
                    "shop": {"slug": "r", "name": "Runners", "floor": 0, "x": 0, "y": 0},
                    "item": {"id": 1, "name": "Running Shoes", "price": "95.00", "quantity": 1},
                    "distance_m": 0,
                },
            ],
        }
    ]
    # When formatted / Then one numbered line per offer, in the order given
    assert format_results(results).splitlines() == [
        "running shoes:",
        "  1. Bargain Feet (floor 1, 66 m) - Running shoes 45.00 (3 left)",
        "  2. Runners (floor 0, 0 m) - Running Shoes 95.00 (1 left)",
    ]


def test_hello_without_a_saved_token_asks_to_register_first(tmp_path: Path) -> None:
    # Given no token file / When the pda says hello / Then it is told to register
    with pytest.raises(PdaError, match="register"):
        asyncio.run(run_pda(PdaOptions(token_file=tmp_path / "none.json")))


@pytest.mark.django_db(transaction=True)
def test_pda_in_another_process_registers_over_the_served_radio_and_rings_the_bell(
    live_server: Any, tmp_path: Path
) -> None:
    # Given a kiosk whose virtual radio is served over TCP, and a shop with running shoes
    shop = ShopFactory(slug="runners", name="Runners World")
    make_item(shop, "Running Shoes", price="95.00")
    key = make_kiosk(shop, name="kiosk-runners").key
    out = io.StringIO()
    token_file = tmp_path / "pda.json"

    async def main() -> None:
        async with running_kiosk(
            server=live_server.url,
            key=key,
            transport="virtual:127.0.0.1:0",
            queue_dir=tmp_path / "queue",
            backoff=Backoff(first=0.05),
            max_connections=1,
        ) as kiosk:
            assert kiosk.radio.served_at is not None
            host, port = kiosk.radio.served_at
            # When the pda registers through Bumble's tcp-client transport
            await run_pda(
                PdaOptions(
                    action="register",
                    transport=f"tcp-client:{host}:{port}",
                    token_file=token_file,
                    wants=["running shoes:4"],
                    payment="card",
                    scan_seconds=1.0,
                ),
                out=out,
            )
            await kiosk.agent.wait_until_delivered(timeout=10, at_least=1)

    asyncio.run(main())
    # Then it kept the token, printed the list with a bell, and its bye became a departure
    saved = json.loads(token_file.read_text())
    printed = out.getvalue()
    assert f"Your customer code is {saved['code']}" in printed
    assert "1. Runners World (floor 0, 0 m) - Running Shoes 95.00" in printed
    assert BELL in printed


def test_login_keeps_the_code_and_key_the_entrance_showed(tmp_path: Path) -> None:
    out = io.StringIO()
    token_file = tmp_path / "pda.json"

    status = asyncio.run(
        run_pda(
            PdaOptions(action="login", login=("K7Q2XB", "secret-key"), token_file=token_file),
            out=out,
        )
    )

    assert status == 0
    assert TokenFile(token_file).load() == {"code": "K7Q2XB", "token": "secret-key"}
    assert "K7Q2XB" in out.getvalue()


@pytest.mark.parametrize("login", [(), ("K7Q2XB",), ("K7Q2XB", " ")])
def test_login_without_code_and_key_says_how(tmp_path: Path, login: tuple[str, ...]) -> None:
    with pytest.raises(PdaError, match="pda login CODE KEY"):
        asyncio.run(run_pda(PdaOptions(action="login", login=login, token_file=tmp_path / "t")))


@pytest.mark.django_db(transaction=True)
def test_entrance_shopper_carries_a_handheld_cancels_all_wants_then_erases(
    live_server: Any, tmp_path: Path
) -> None:
    # Given a shopper who registered at the entrance page, and a kiosk in a shoe shop
    shop = ShopFactory(slug="runners", name="Runners World")
    make_item(shop, "Running Shoes", price="95.00")
    key = make_kiosk(shop, name="kiosk-runners").key
    shopper = make_customer("running shoes")
    token_file = tmp_path / "pda.json"
    outputs: dict[str, str] = {}

    async def main() -> None:
        async with running_kiosk(
            server=live_server.url,
            key=key,
            transport="virtual:127.0.0.1:0",
            queue_dir=tmp_path / "queue",
            backoff=Backoff(first=0.05),
            max_connections=1,
        ) as kiosk:
            host, port = kiosk.radio.served_at
            for action, extra in (
                ("login", {"login": (shopper.customer.code, shopper.token)}),
                ("hello", {}),
                ("update", {}),
                ("erase", {}),
            ):
                out = io.StringIO()
                await run_pda(
                    PdaOptions(
                        action=action,
                        transport=f"tcp-client:{host}:{port}",
                        token_file=token_file,
                        scan_seconds=1.0,
                        **extra,
                    ),
                    out=out,
                )
                outputs[action] = out.getvalue()
                if action == "update":
                    # When the wants are cancelled: the shopper stays, their card goes
                    customer = await Customer.objects.aget(pk=shopper.customer.pk)
                    assert await customer.desires.acount() == 0
                    assert not await Card.objects.filter(customer=customer).aexists()

    asyncio.run(main())
    # Then the list came with the entrance's key, and erase left nothing behind
    assert "1. Runners World" in outputs["hello"]
    assert "cancelled" in outputs["update"]
    assert "deleted" in outputs["erase"]
    assert not Customer.objects.filter(pk=shopper.customer.pk).exists()
    assert TokenFile(token_file).load() is None


def test_results_say_where_each_shop_is_in_words_under_its_line() -> None:
    # Given an offer whose shop comes with directions from the nearest landmark
    results = [
        {
            "desire": {"id": 1, "name": "umbrella"},
            "offers": [
                {
                    "shop": {
                        "slug": "r",
                        "name": "Rain Shop",
                        "floor": 1,
                        "x": 30,
                        "y": 10,
                        "directions": "Floor 1, 12 m left of the escalator",
                    },
                    "item": {"id": 1, "name": "Umbrella", "price": "12.00", "quantity": 2},
                    "distance_m": 44,
                }
            ],
        }
    ]
    # When formatted / Then the directions follow the shop's line
    assert format_results(results).splitlines() == [
        "umbrella:",
        "  1. Rain Shop (floor 1, 44 m) - Umbrella 12.00 (2 left)",
        "     Floor 1, 12 m left of the escalator",
    ]

"""A handheld in a terminal (``manage.py pda``): the shopper's side of the radio protocol.

It keeps the shopper's token in a small file, registers with wants (and a photo, with
consent), finds a kiosk offering the service UUID, and prints the ranked shop list with a
bell. No Django here: the command only parses options and calls :func:`run_pda`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from kiosks.bluetooth.protocol import (
    MAX_LEVEL,
    MIN_LEVEL,
    Bye,
    Desire,
    Erase,
    Error,
    Hello,
    Message,
    Register,
    Registered,
    Shops,
    Update,
)
from kiosks.bluetooth.transport import FrameLink, Handheld, TransportError, open_radio

BELL = "\a"


class PdaError(Exception):
    """Something the person at the terminal must fix (no token yet, bad want, no kiosk)."""


def parse_want(text: str) -> Desire:
    """``"running shoes:4"`` or ``"running shoes:4:trainers,sneakers"`` (level 3 if absent)."""
    name, _, rest = text.partition(":")
    level_text, _, keywords_text = rest.partition(":")
    level = 3
    if level_text.strip():
        try:
            level = int(level_text)
        except ValueError as error:
            raise PdaError(f"want {text!r}: the level must be a number") from error
    if not MIN_LEVEL <= level <= MAX_LEVEL:
        raise PdaError(f"want {text!r}: the level must be {MIN_LEVEL} to {MAX_LEVEL}")
    if not name.strip():
        raise PdaError(f"want {text!r}: name the product")
    keywords = tuple(word.strip() for word in keywords_text.split(",") if word.strip())
    return Desire(name=name.strip(), keywords=keywords, level=level)


class TokenFile:
    """The shopper's code and secret token, in a JSON file only its owner can read."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> dict[str, str] | None:
        """The saved ``{"code", "token"}``, or None."""
        try:
            data = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) and "token" in data else None

    def save(self, code: str, token: str) -> None:
        """Keep the code and token (replacing any earlier ones)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump({"code": code, "token": token}, out)

    def forget(self) -> bool:
        """Delete the file; True if there was one."""
        try:
            self.path.unlink()
        except FileNotFoundError:
            return False
        return True


def default_token_file() -> Path:
    """Where the token lives when no ``--token-file`` is given."""
    return Path(os.path.expanduser("~/.mall-pda.json"))


def format_results(results: tuple[dict[str, Any], ...] | list[dict[str, Any]]) -> str:
    """The ranked list as a person reads it."""
    if not results:
        return "No shop has what you want right now."
    lines: list[str] = []
    for result in results:
        desire = result.get("desire") or {}
        lines.append(f"{desire.get('name', '?')}:")
        offers = result.get("offers") or []
        if not offers:
            lines.append("   (no shop has it)")
        for rank, offer in enumerate(offers, start=1):
            shop = offer.get("shop") or {}
            item = offer.get("item") or {}
            distance = offer.get("distance_m")
            where = f"{distance:.0f} m" if isinstance(distance, int | float) else "?"
            more = offer.get("more_here")
            lines.append(
                f"  {rank}. {shop.get('name', '?')} (floor {shop.get('floor', '?')}, {where})"
                f" - {item.get('name', '?')} {item.get('price', '?')}"
                f" ({item.get('quantity', '?')} left"
                + (f", {more} more here" if isinstance(more, int) and more > 0 else "")
                + ")"
            )
            # The handheld has no map: where the shop is, from the nearest landmark.
            if isinstance(shop.get("directions"), str) and shop["directions"]:
                lines.append(f"     {shop['directions']}")
    return "\n".join(lines)


def format_holds(
    holds: tuple[dict[str, Any], ...], alternatives: tuple[dict[str, Any], ...]
) -> str:
    """What shops keep for the shopper, and the other items they offer, as lines to read."""
    lines: list[str] = []
    for hold in holds:
        shop, item = hold.get("shop") or {}, hold.get("item") or {}
        lines.append(
            f"Kept for you: {hold.get('quantity', '?')} x {item.get('name', '?')} at "
            f"{shop.get('name', '?')} (floor {shop.get('floor', '?')}) until "
            f"{str(hold.get('until', '?'))[11:16]}"
        )
    for alternative in alternatives:
        shop, item = alternative.get("shop") or {}, alternative.get("item") or {}
        desire = alternative.get("desire") or {}
        lines.append(
            f"Instead of {desire.get('name', '?')}: {item.get('name', '?')} "
            f"{item.get('price', '?')} at {shop.get('name', '?')}"
        )
    return "".join(f"\n{line}" for line in lines)


@dataclass
class PdaOptions:
    """What ``manage.py pda`` was asked to do."""

    action: str = "hello"  # hello, register, update, erase, login, forget
    #: ``login``: the code and secret key shown by the entrance page.
    login: tuple[str, ...] = ()
    transport: str = "tcp-client:127.0.0.1:7890"
    token_file: Path = field(default_factory=default_token_file)
    wants: list[str] = field(default_factory=list)
    payment: str = "cash"
    ranking: str = "nearest"
    photo: Path | None = None
    consent: bool = False
    kiosk: str | None = None
    scan_seconds: float = 5.0
    stay: bool = False
    name: str = "mall-pda"


class Output(Protocol):
    """Where the handheld prints: a text stream, or a command's ``OutputWrapper``."""

    def write(self, text: str, /) -> object: ...
    def flush(self) -> None: ...


def _say(out: Output, text: str) -> None:
    # One write per line: Django's OutputWrapper adds its own newline to each write.
    out.write(text + "\n")
    out.flush()


async def _ask(frames: FrameLink, message: Message) -> Message:
    reply = await frames.request(message, timeout=30)
    if isinstance(reply, Error):
        raise PdaError(f"the kiosk says: {reply.message or reply.code} ({reply.code})")
    return reply


async def _wait_for_enter() -> None:
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.readline)


async def run_pda(options: PdaOptions, out: Output = sys.stdout) -> int:
    """Do one handheld action; return the process exit status."""
    tokens = TokenFile(options.token_file)
    if options.action == "forget":
        gone = tokens.forget()
        _say(out, "Token forgotten." if gone else "There was no token.")
        return 0
    if options.action == "login":
        if len(options.login) != 2 or not all(part.strip() for part in options.login):
            raise PdaError("login takes the code and the secret key: pda login CODE KEY")
        code, token = (part.strip() for part in options.login)
        tokens.save(code, token)
        _say(out, f"Saved. This handheld now carries customer {code}; run `pda` near a kiosk.")
        return 0
    saved = tokens.load()
    wants = tuple(parse_want(text) for text in options.wants)
    if options.action in ("hello", "update", "erase") and saved is None:
        raise PdaError("no token yet: run `pda register --want ...` first")
    if options.action in ("register", "update") and options.action == "register" and not wants:
        raise PdaError("say what you want: --want 'running shoes:4'")
    photo = options.photo.read_bytes() if options.photo else None
    if photo is not None and not options.consent:
        raise PdaError("a photo is only sent with --consent")

    radio = await open_radio(options.transport, name=options.name)
    try:
        handheld = Handheld(radio.device)
        if options.kiosk:
            frames = await handheld.connect(options.kiosk)
        else:
            _say(out, "Looking for a kiosk...")
            frames = await handheld.find_kiosk(seconds=options.scan_seconds)
        _say(out, "Connected to the nearest kiosk.")
        if options.action == "register":
            reply = await _ask(
                frames,
                Register(
                    desires=wants,
                    payment_method=options.payment,
                    ranking=options.ranking,
                    consent=options.consent,
                    face_jpeg=photo,
                ),
            )
            assert isinstance(reply, Registered)
            tokens.save(reply.code, reply.token)
            _say(out, f"Registered. Your customer code is {reply.code}.")
            reply = await _ask(frames, Hello(token=reply.token))
        elif options.action == "update":
            assert saved is not None
            reply = await _ask(frames, Update(token=saved["token"], desires=wants))
            if not wants:
                _say(out, "All your wants are cancelled; shops no longer see you.")
        elif options.action == "erase":
            assert saved is not None
            reply = await _ask(frames, Erase(token=saved["token"]))
            tokens.forget()
            _say(out, "Everything about you is deleted from the mall's server.")
        else:
            assert saved is not None
            reply = await _ask(frames, Hello(token=saved["token"]))
        if not isinstance(reply, Shops):
            raise PdaError(f"unexpected answer from the kiosk: {reply.TYPE}")
        _say(
            out,
            format_results(reply.results) + format_holds(reply.holds, reply.alternatives) + BELL,
        )
        if options.stay:
            _say(out, "In range of the kiosk. Press Enter to walk away.")
            with contextlib.suppress(asyncio.CancelledError, KeyboardInterrupt):
                await _wait_for_enter()
        with contextlib.suppress(TransportError):
            frames.send(Bye())
        await frames.close()
    except TransportError as error:
        raise PdaError(str(error)) from error
    finally:
        await radio.close()
    return 0

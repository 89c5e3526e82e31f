"""The handheld wire protocol: frames and messages (DESIGN.md, "Handheld wire protocol").

A frame is a 4-byte big-endian length followed by that many bytes of UTF-8 JSON, an object
with a ``type``. This module is pure: no I/O, no Django. Everything a peer can send us is
checked here, and every malformed input becomes a :class:`ProtocolError` with a ``code``;
nothing else escapes, so a hostile or buggy handheld can never stop a kiosk.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import struct
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Final

#: RFCOMM service class UUID that kiosks register in SDP and handhelds look for.
SERVICE_UUID: Final = "6d616c6c-6b69-6f73-6b00-000000000001"

#: Largest frame body accepted or produced (DESIGN.md: "Frames over 256 KiB are refused").
MAX_FRAME_BYTES: Final = 256 * 1024
HEADER = struct.Struct(">I")

# Field bounds. They keep one handheld from making the kiosk or the server do unbounded
# work; the server validates again, these only have to be no looser than the API.
MAX_TOKEN_CHARS: Final = 128
MAX_NAME_CHARS: Final = 100
MAX_KEYWORDS: Final = 10
MAX_KEYWORD_CHARS: Final = 50
MAX_DESIRES: Final = 20
MIN_LEVEL: Final = 1
MAX_LEVEL: Final = 5
#: Decoded photo size; its base64 form (4/3 larger) still fits in one frame with the wants.
MAX_FACE_BYTES: Final = 180 * 1024
MAX_CODE_CHARS: Final = 64
MAX_SLUG_CHARS: Final = 50
MAX_MESSAGE_CHARS: Final = 1000
MAX_RESULTS: Final = 100
PAYMENT_METHODS: Final = ("cash", "card", "mobile", "other")
RANKINGS: Final = ("nearest", "cheapest")
JPEG_MAGIC: Final = b"\xff\xd8\xff"


class ProtocolError(Exception):
    """A peer sent something this protocol does not allow.

    ``code`` is stable and machine-readable (it goes back to the handheld in an ``error``
    frame); ``message`` is for people.
    """

    FRAME_TOO_LARGE: ClassVar[str] = "frame_too_large"
    BAD_ENCODING: ClassVar[str] = "bad_encoding"
    BAD_JSON: ClassVar[str] = "bad_json"
    NOT_AN_OBJECT: ClassVar[str] = "not_an_object"
    UNKNOWN_TYPE: ClassVar[str] = "unknown_type"
    BAD_FIELD: ClassVar[str] = "bad_field"

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


# ---------------------------------------------------------------------------------------
# Field checks: each returns the clean value or raises ProtocolError(BAD_FIELD).


def _bad(name: str, why: str) -> ProtocolError:
    return ProtocolError(ProtocolError.BAD_FIELD, f"{name}: {why}")


def _string(body: dict[str, Any], name: str, max_chars: int, *, min_chars: int = 1) -> str:
    value = body.get(name)
    if not isinstance(value, str):
        raise _bad(name, "must be a string")
    value = value.strip()
    if len(value) < min_chars:
        raise _bad(name, "must not be empty")
    if len(value) > max_chars:
        raise _bad(name, f"at most {max_chars} characters")
    try:
        # JSON may spell an unpaired surrogate ("\\ud800"): no character, and the kiosk
        # could not send it on to the server.
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise _bad(name, "not valid Unicode text") from error
    return value


def _token(body: dict[str, Any]) -> str:
    token = _string(body, "token", MAX_TOKEN_CHARS)
    # Tokens travel in an HTTP header: anything but printable ASCII would be unsafe there.
    if not all(33 <= ord(char) <= 126 for char in token):
        raise _bad("token", "must be printable ASCII without spaces")
    return token


def _choice(body: dict[str, Any], name: str, choices: tuple[str, ...], default: str) -> str:
    value = body.get(name, default)
    if value not in choices:
        raise _bad(name, f"must be one of {', '.join(choices)}")
    return str(value)


@dataclass(frozen=True, slots=True)
class Desire:
    """One wanted product: a name, optional extra keywords, and how much it is wanted."""

    name: str
    keywords: tuple[str, ...] = ()
    level: int = 3

    def to_json(self) -> dict[str, Any]:
        """The shape both the wire and the HTTP API use."""
        return {"name": self.name, "keywords": list(self.keywords), "level": self.level}

    @classmethod
    def from_json(cls, value: Any, where: str) -> Desire:
        """Check one desire object from the wire."""
        if not isinstance(value, dict):
            raise _bad(where, "must be an object")
        name = _string(value, "name", MAX_NAME_CHARS)
        keywords_raw = value.get("keywords", [])
        if not isinstance(keywords_raw, list) or len(keywords_raw) > MAX_KEYWORDS:
            raise _bad(f"{where}.keywords", f"must be a list of at most {MAX_KEYWORDS}")
        keywords = tuple(
            _string({"keyword": keyword}, "keyword", MAX_KEYWORD_CHARS) for keyword in keywords_raw
        )
        level = value.get("level", 3)
        # bool is an int subclass: `true` must not pass as level 1.
        if isinstance(level, bool) or not isinstance(level, int):
            raise _bad(f"{where}.level", "must be an integer")
        if not MIN_LEVEL <= level <= MAX_LEVEL:
            raise _bad(f"{where}.level", f"must be {MIN_LEVEL} to {MAX_LEVEL}")
        return cls(name=name, keywords=keywords, level=level)


def _desires(body: dict[str, Any], *, min_count: int) -> tuple[Desire, ...]:
    value = body.get("desires")
    if not isinstance(value, list):
        raise _bad("desires", "must be a list")
    if not min_count <= len(value) <= MAX_DESIRES:
        raise _bad("desires", f"must hold {min_count} to {MAX_DESIRES} wants")
    return tuple(Desire.from_json(item, f"desires[{index}]") for index, item in enumerate(value))


def _face(body: dict[str, Any]) -> bytes | None:
    value = body.get("face_jpeg")
    if value is None:
        return None
    if not isinstance(value, str):
        raise _bad("face_jpeg", "must be a base64 string")
    # Checked before decoding so an oversized photo costs no memory.
    if len(value) > (MAX_FACE_BYTES + 2) // 3 * 4:
        raise _bad("face_jpeg", f"photo larger than {MAX_FACE_BYTES} bytes")
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as error:
        raise _bad("face_jpeg", "not valid base64") from error
    if not data.startswith(JPEG_MAGIC):
        raise _bad("face_jpeg", "not a JPEG image")
    return data


# ---------------------------------------------------------------------------------------
# Messages. Each knows its wire `type`, how to check a decoded body, and its JSON body.


@dataclass(frozen=True, slots=True)
class Message:
    """Base of every message; ``TYPE`` is the wire ``type`` field."""

    TYPE: ClassVar[str] = ""

    def body(self) -> dict[str, Any]:
        """Fields besides ``type``, ready for JSON."""
        return {}

    @classmethod
    def parse(cls, body: dict[str, Any]) -> Message:
        """Build the message from a decoded JSON object, checking every field."""
        return cls()


@dataclass(frozen=True, slots=True)
class Hello(Message):
    """Handheld to kiosk: "the shopper with this token is here"."""

    TYPE: ClassVar[str] = "hello"
    token: str

    def body(self) -> dict[str, Any]:
        return {"token": self.token}

    @classmethod
    def parse(cls, body: dict[str, Any]) -> Hello:
        return cls(token=_token(body))


@dataclass(frozen=True, slots=True)
class Register(Message):
    """Handheld to kiosk: create a shopper with these wants (and optional photo)."""

    TYPE: ClassVar[str] = "register"
    desires: tuple[Desire, ...]
    payment_method: str = "cash"
    ranking: str = "nearest"
    consent: bool = False
    face_jpeg: bytes | None = None

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "desires": [desire.to_json() for desire in self.desires],
            "payment_method": self.payment_method,
            "ranking": self.ranking,
            "consent": self.consent,
        }
        if self.face_jpeg is not None:
            body["face_jpeg"] = base64.b64encode(self.face_jpeg).decode("ascii")
        return body

    @classmethod
    def parse(cls, body: dict[str, Any]) -> Register:
        consent = body.get("consent", False)
        if not isinstance(consent, bool):
            raise _bad("consent", "must be true or false")
        face = _face(body)
        # The photo is personal data: refuse it here rather than ship it without consent.
        if face is not None and not consent:
            raise _bad("consent", "must be true to send a photo")
        return cls(
            desires=_desires(body, min_count=1),
            payment_method=_choice(body, "payment_method", PAYMENT_METHODS, "cash"),
            ranking=_choice(body, "ranking", RANKINGS, "nearest"),
            consent=consent,
            face_jpeg=face,
        )


@dataclass(frozen=True, slots=True)
class Update(Message):
    """Handheld to kiosk: replace the shopper's wants (an empty list cancels them all)."""

    TYPE: ClassVar[str] = "update"
    token: str
    desires: tuple[Desire, ...]

    def body(self) -> dict[str, Any]:
        return {"token": self.token, "desires": [desire.to_json() for desire in self.desires]}

    @classmethod
    def parse(cls, body: dict[str, Any]) -> Update:
        return cls(token=_token(body), desires=_desires(body, min_count=0))


@dataclass(frozen=True, slots=True)
class Erase(Message):
    """Handheld to kiosk: "delete everything about this shopper now"."""

    TYPE: ClassVar[str] = "erase"
    token: str

    def body(self) -> dict[str, Any]:
        return {"token": self.token}

    @classmethod
    def parse(cls, body: dict[str, Any]) -> Erase:
        return cls(token=_token(body))


@dataclass(frozen=True, slots=True)
class ShareWith(Message):
    """Handheld to kiosk: let this shop (its slug) read the shopper's wants."""

    TYPE: ClassVar[str] = "share"
    token: str
    shop: str

    def body(self) -> dict[str, Any]:
        return {"token": self.token, "shop": self.shop}

    @classmethod
    def parse(cls, body: dict[str, Any]) -> ShareWith:
        shop = _string(body, "shop", MAX_SLUG_CHARS)
        if not all(char.isascii() and (char.isalnum() or char in "-_") for char in shop):
            raise _bad("shop", "must be a shop's slug (letters, digits, - and _)")
        return cls(token=_token(body), shop=shop)


@dataclass(frozen=True, slots=True)
class Bye(Message):
    """Handheld to kiosk: "I am leaving" (the same as the link dropping)."""

    TYPE: ClassVar[str] = "bye"


@dataclass(frozen=True, slots=True)
class Shops(Message):
    """Kiosk to handheld: the ranked results, exactly as the sighting API returned them."""

    TYPE: ClassVar[str] = "shops"
    results: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    #: What shops keep for the shopper, and the other items they offer (``GET /api/me/``).
    holds: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    alternatives: tuple[dict[str, Any], ...] = field(default_factory=tuple)

    def body(self) -> dict[str, Any]:
        return {
            "results": list(self.results),
            "holds": list(self.holds),
            "alternatives": list(self.alternatives),
        }

    @classmethod
    def parse(cls, body: dict[str, Any]) -> Shops:
        return cls(
            results=_objects(body, "results", required=True),
            holds=_objects(body, "holds"),
            alternatives=_objects(body, "alternatives"),
        )


def _objects(body: dict[str, Any], name: str, *, required: bool = False) -> tuple[dict, ...]:
    value = body.get(name, None if required else [])
    if not isinstance(value, list) or len(value) > MAX_RESULTS:
        raise _bad(name, f"must be a list of at most {MAX_RESULTS}")
    if not all(isinstance(entry, dict) for entry in value):
        raise _bad(name, "must hold objects")
    return tuple(value)


@dataclass(frozen=True, slots=True)
class Registered(Message):
    """Kiosk to handheld: the new shopper's code (to show people) and secret token."""

    TYPE: ClassVar[str] = "registered"
    code: str
    token: str

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "token": self.token}

    @classmethod
    def parse(cls, body: dict[str, Any]) -> Registered:
        return cls(code=_string(body, "code", MAX_CODE_CHARS), token=_token(body))


@dataclass(frozen=True, slots=True)
class Error(Message):
    """Kiosk to handheld: a request failed; ``code`` is stable, ``message`` is for people."""

    TYPE: ClassVar[str] = "error"
    code: str
    message: str = ""

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message}

    @classmethod
    def parse(cls, body: dict[str, Any]) -> Error:
        return cls(
            code=_string(body, "code", MAX_CODE_CHARS),
            message=_string(body, "message", MAX_MESSAGE_CHARS, min_chars=0),
        )

    @classmethod
    def from_protocol_error(cls, error: ProtocolError) -> Error:
        """The frame a peer gets back for a malformed frame."""
        return cls(code=error.code, message=error.message[:MAX_MESSAGE_CHARS])


MESSAGE_TYPES: Final[dict[str, type[Message]]] = {
    kind.TYPE: kind
    for kind in (Hello, Register, Update, Erase, ShareWith, Bye, Shops, Registered, Error)
}


# ---------------------------------------------------------------------------------------
# Encoding and decoding.


def _refuse_constant(name: str) -> Any:
    # JSON has no NaN or Infinity; Python's json accepts them unless told otherwise.
    raise ValueError(f"{name} is not JSON")


def decode_message(payload: bytes) -> Message:
    """Turn one frame body into a message; raise only :class:`ProtocolError`."""
    if len(payload) > MAX_FRAME_BYTES:
        raise ProtocolError(ProtocolError.FRAME_TOO_LARGE, f"over {MAX_FRAME_BYTES} bytes")
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProtocolError(ProtocolError.BAD_ENCODING, "frame is not UTF-8") from error
    try:
        body = json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as error:
        raise ProtocolError(ProtocolError.BAD_JSON, "frame is not JSON") from error
    if not isinstance(body, dict):
        raise ProtocolError(ProtocolError.NOT_AN_OBJECT, "frame must be a JSON object")
    type_name = body.get("type")
    kind = MESSAGE_TYPES.get(type_name) if isinstance(type_name, str) else None
    if kind is None:
        raise ProtocolError(ProtocolError.UNKNOWN_TYPE, f"unknown type {type_name!r:.60}")
    try:
        return kind.parse(body)
    except ProtocolError:
        raise
    except (TypeError, ValueError, KeyError, AttributeError, RecursionError) as error:
        # The checks above should catch everything; this is the last line of the promise
        # that nothing but ProtocolError leaves this module.
        raise ProtocolError(ProtocolError.BAD_FIELD, "malformed message") from error


def encode_message(message: Message) -> bytes:
    """Turn a message into one frame (header and body); too large a message is refused."""
    body = {"type": message.TYPE, **message.body()}
    if any(isinstance(value, float) and not math.isfinite(value) for value in body.values()):
        raise ProtocolError(ProtocolError.BAD_FIELD, "numbers must be finite")
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if len(data) > MAX_FRAME_BYTES:
        raise ProtocolError(ProtocolError.FRAME_TOO_LARGE, f"over {MAX_FRAME_BYTES} bytes")
    return HEADER.pack(len(data)) + data


class FrameDecoder:
    """Streaming decoder: feed it bytes as they arrive, get messages and errors out.

    A refused oversized frame is skipped as its bytes arrive (never buffered), so the
    stream stays in step and the next frame decodes normally.
    """

    def __init__(self, max_frame_bytes: int = MAX_FRAME_BYTES) -> None:
        self.max_frame_bytes = max_frame_bytes
        self._buffer = bytearray()
        self._skip = 0

    def feed(self, data: bytes) -> list[Message | ProtocolError]:
        """Add received bytes; return every message (or error) completed by them."""
        out: list[Message | ProtocolError] = []
        view = memoryview(data)
        if self._skip:
            skipped = min(self._skip, len(view))
            self._skip -= skipped
            view = view[skipped:]
        self._buffer += view
        while len(self._buffer) >= HEADER.size:
            (length,) = HEADER.unpack_from(self._buffer)
            if length > self.max_frame_bytes:
                out.append(
                    ProtocolError(
                        ProtocolError.FRAME_TOO_LARGE,
                        f"frame of {length} bytes refused (limit {self.max_frame_bytes})",
                    )
                )
                available = len(self._buffer) - HEADER.size
                dropped = min(length, available)
                self._skip = length - dropped
                del self._buffer[: HEADER.size + dropped]
                continue
            if len(self._buffer) < HEADER.size + length:
                break
            payload = bytes(self._buffer[HEADER.size : HEADER.size + length])
            del self._buffer[: HEADER.size + length]
            try:
                out.append(decode_message(payload))
            except ProtocolError as error:
                out.append(error)
        return out

    @property
    def pending_bytes(self) -> int:
        """Bytes held for an incomplete frame (for tests and diagnostics)."""
        return len(self._buffer)


def decode_frames(data: Iterable[bytes]) -> list[Message | ProtocolError]:
    """Decode a whole byte stream given as chunks (convenience for tests and tools)."""
    decoder = FrameDecoder()
    out: list[Message | ProtocolError] = []
    for chunk in data:
        out.extend(decoder.feed(chunk))
    return out

"""The wire protocol: frames, messages and limits (pure, no radio)."""

from __future__ import annotations

import base64
import json
import random
import struct

import pytest

from kiosks.bluetooth.protocol import (
    MAX_DESIRES,
    MAX_FACE_BYTES,
    MAX_FRAME_BYTES,
    Bye,
    Desire,
    Error,
    FrameDecoder,
    Hello,
    Message,
    ProtocolError,
    Register,
    Registered,
    ShareWith,
    Shops,
    Update,
    decode_frames,
    decode_message,
    encode_message,
)

JPEG = b"\xff\xd8\xff\xe0" + bytes(1000)


def frame(body: object) -> bytes:
    data = json.dumps(body).encode()
    return struct.pack(">I", len(data)) + data


def raw_frame(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def only(items: list[Message | ProtocolError]) -> Message | ProtocolError:
    assert len(items) == 1, items
    return items[0]


@pytest.mark.parametrize(
    "message",
    [
        Hello(token="tok-123"),
        Register(
            desires=(Desire(name="running shoes", keywords=("trainers",), level=4),),
            payment_method="card",
            ranking="cheapest",
            consent=True,
            face_jpeg=JPEG,
        ),
        Update(token="tok-123", desires=()),
        Bye(),
        Shops(results=({"desire": {"id": 1, "name": "shoes"}, "offers": []},)),
        Shops(results=(), holds=({"id": 3, "quantity": 1},), alternatives=({"id": 4},)),
        ShareWith(token="tok-123", shop="sole-mates"),
        Registered(code="K7Q2", token="tok-123"),
        Error(code="unknown_token", message="no such shopper"),
    ],
    ids=lambda message: message.TYPE,
)
def test_every_message_survives_encode_then_decode(message: Message) -> None:
    # Given a valid message / When it is framed and decoded again
    decoded = only(FrameDecoder().feed(encode_message(message)))
    # Then the same message comes out
    assert decoded == message


@pytest.mark.parametrize(
    "body",
    [
        {"type": "share", "token": "tok", "shop": ""},
        {"type": "share", "token": "tok", "shop": "../admin"},
        {"type": "share", "token": "tok", "shop": "x" * 51},
        {"type": "share", "shop": "sole"},
        {"type": "shops", "results": [], "holds": "nope"},
        {"type": "shops", "results": [], "holds": [1]},
    ],
    ids=["empty-shop", "not-a-slug", "long-slug", "no-token", "holds-not-list", "hold-not-object"],
)
def test_bad_share_or_holds_is_a_bad_field_error(body: dict) -> None:
    # Given a share or shops frame with a bad field / When decoded
    out = only(FrameDecoder().feed(raw_frame(json.dumps(body).encode())))
    # Then it is a bad_field error, nothing else
    assert isinstance(out, ProtocolError) and out.code == "bad_field"


def test_frame_header_is_four_byte_big_endian_length_of_utf8_json() -> None:
    # Given a hello / When encoded
    data = encode_message(Hello(token="abc"))
    # Then the header counts the JSON body bytes and the body carries the type
    (length,) = struct.unpack(">I", data[:4])
    assert length == len(data) - 4
    assert json.loads(data[4:].decode("utf-8")) == {"type": "hello", "token": "abc"}


def test_decoder_joins_a_frame_split_into_single_bytes() -> None:
    # Given a frame delivered one byte at a time (RFCOMM may cut anywhere)
    data = encode_message(Hello(token="abc"))
    # When fed byte by byte
    out = decode_frames(data[i : i + 1] for i in range(len(data)))
    # Then exactly one message comes out
    assert out == [Hello(token="abc")]


def test_decoder_splits_two_frames_in_one_chunk() -> None:
    # Given two frames in one chunk / When fed
    out = FrameDecoder().feed(encode_message(Hello(token="a")) + encode_message(Bye()))
    # Then both come out in order
    assert out == [Hello(token="a"), Bye()]


def test_oversized_frame_is_refused_and_the_next_frame_still_decodes() -> None:
    # Given a header announcing more than 256 KiB, its body, then a valid frame
    body = b"x" * (MAX_FRAME_BYTES + 1)
    stream = raw_frame(body) + encode_message(Hello(token="after"))
    decoder = FrameDecoder()
    # When the stream arrives in 1000-byte chunks
    out = [item for i in range(0, len(stream), 1000) for item in decoder.feed(stream[i : i + 1000])]
    # Then the big frame is a frame_too_large error, skipped without buffering it
    assert isinstance(out[0], ProtocolError) and out[0].code == "frame_too_large"
    assert out[1:] == [Hello(token="after")]
    assert decoder.pending_bytes == 0


def test_frame_of_exactly_256_kib_is_not_refused_for_size() -> None:
    # Given a JSON body padded to exactly the limit
    prefix = b'{"type":"bye","pad":"'
    body = prefix + b"x" * (MAX_FRAME_BYTES - len(prefix) - 2) + b'"}'
    assert len(body) == MAX_FRAME_BYTES
    # When decoded / Then it is accepted
    assert only(FrameDecoder().feed(raw_frame(body))) == Bye()


def test_encoding_a_message_over_the_limit_is_refused() -> None:
    # Given results too big for one frame
    shops = Shops(results=({"blob": "x" * MAX_FRAME_BYTES},))
    # When encoded / Then a ProtocolError, not a frame the peer would refuse
    with pytest.raises(ProtocolError) as caught:
        encode_message(shops)
    assert caught.value.code == "frame_too_large"


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (b"{not json", "bad_json"),
        (b"", "bad_json"),
        (b"\xff\xfe", "bad_encoding"),
        (b"[1, 2]", "not_an_object"),
        (b'{"type": "hello", "token": NaN}', "bad_json"),
        (b'{"token": "abc"}', "unknown_type"),
        (b'{"type": "launch_missiles"}', "unknown_type"),
        (b'{"type": ["hello"]}', "unknown_type"),
        (b"[" * 100_000 + b"]" * 100_000, "bad_json"),
    ],
    ids=["broken", "empty", "not-utf8", "array", "nan", "no-type", "unknown", "list-type", "deep"],
)
def test_malformed_frame_becomes_a_typed_error(payload: bytes, code: str) -> None:
    # Given a malformed frame body / When decoded
    result = only(FrameDecoder().feed(raw_frame(payload)))
    # Then it is a ProtocolError with the expected code
    assert isinstance(result, ProtocolError)
    assert result.code == code


def register_body(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "type": "register",
        "desires": [{"name": "running shoes", "keywords": ["trainers"], "level": 4}],
        "payment_method": "card",
        "ranking": "nearest",
        "consent": False,
    }
    body.update(overrides)
    return body


@pytest.mark.parametrize(
    "overrides",
    [
        {"desires": []},
        {"desires": [{"name": "x", "level": 1}] * (MAX_DESIRES + 1)},
        {"desires": [{"name": "", "level": 3}]},
        {"desires": [{"name": "x" * 101, "level": 3}]},
        {"desires": [{"name": "shoes", "level": 0}]},
        {"desires": [{"name": "shoes", "level": 6}]},
        {"desires": [{"name": "shoes", "level": True}]},
        {"desires": [{"name": "shoes", "level": 2.5}]},
        {"desires": [{"name": "shoes", "keywords": "trainers"}]},
        {"desires": [{"name": "shoes", "keywords": ["k"] * 11}]},
        {"desires": ["shoes"]},
        {"desires": [{"name": "sho\ud800es", "level": 3}]},
        {"desires": [{"name": "shoes", "keywords": ["\udfff"]}]},
        {"payment_method": "bitcoin"},
        {"ranking": "random"},
        {"consent": "yes"},
        {"consent": True, "face_jpeg": "not base64!"},
        {"consent": True, "face_jpeg": base64.b64encode(b"GIF89a").decode()},
        {"consent": False, "face_jpeg": base64.b64encode(JPEG).decode()},
        {
            "consent": True,
            "face_jpeg": base64.b64encode(JPEG[:4] + bytes(MAX_FACE_BYTES)).decode(),
        },
    ],
    ids=[
        "no-wants",
        "too-many-wants",
        "empty-name",
        "long-name",
        "level-0",
        "level-6",
        "level-bool",
        "level-float",
        "keywords-not-list",
        "too-many-keywords",
        "want-not-object",
        "name-unpaired-surrogate",
        "keyword-unpaired-surrogate",
        "payment",
        "ranking",
        "consent-not-bool",
        "face-not-base64",
        "face-not-jpeg",
        "face-without-consent",
        "face-too-big",
    ],
)
def test_register_with_a_field_out_of_bounds_is_a_bad_field_error(
    overrides: dict[str, object],
) -> None:
    # Given a register frame with one bad field / When decoded
    result = only(FrameDecoder().feed(frame(register_body(**overrides))))
    # Then it is a bad_field error naming the problem
    assert isinstance(result, ProtocolError)
    assert result.code == "bad_field"


@pytest.mark.parametrize(
    "token",
    [None, "", "x" * 129, "has space", "caf\u00e9", 12345],
    ids=["missing", "empty", "long", "space", "non-ascii", "number"],
)
def test_hello_with_a_bad_token_is_a_bad_field_error(token: object) -> None:
    # Given a hello with a bad token / When decoded
    body = {"type": "hello"} if token is None else {"type": "hello", "token": token}
    result = only(FrameDecoder().feed(frame(body)))
    # Then bad_field
    assert isinstance(result, ProtocolError) and result.code == "bad_field"


def test_register_defaults_payment_and_ranking_when_absent() -> None:
    # Given a register frame with wants only / When decoded
    result = decode_message(json.dumps({"type": "register", "desires": [{"name": "tea"}]}).encode())
    # Then the defaults apply: cash, nearest, level 3, no photo
    assert result == Register(desires=(Desire(name="tea", level=3),))


def test_random_bytes_never_raise_anything_but_typed_errors() -> None:
    # Given a decoder and 2000 random chunks, some framed, some not
    rng = random.Random(4)
    decoder = FrameDecoder()
    for _ in range(2000):
        junk = rng.randbytes(rng.randint(0, 64))
        chunk = raw_frame(junk) if rng.random() < 0.5 else junk
        # When fed / Then only messages and ProtocolErrors come out (no exception)
        for item in decoder.feed(chunk):
            assert isinstance(item, Message | ProtocolError)


def test_error_frame_from_protocol_error_keeps_its_code() -> None:
    # Given a protocol error / When turned into a reply
    reply = Error.from_protocol_error(ProtocolError("bad_json", "frame is not JSON"))
    # Then the handheld sees the same code
    assert reply == Error(code="bad_json", message="frame is not JSON")

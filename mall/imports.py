"""Checking a shops CSV file (``slug,name,floor,x,y``, header optional): the shops to
create or update, or the list of every bad line."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug

from core.csvfile import LineError, csv_records, header_columns
from mall.services import ShopInput

COLUMNS = ("slug", "name", "floor", "x", "y")
SLUG_MAX = 50
NAME_MAX = 100
#: ``Shop.floor`` bounds: deep basements to very tall towers.
FLOOR_MIN, FLOOR_MAX = -20, 200
#: Metres from the mall's reference corner; a bigger figure is a typo, not a mall.
COORDINATE_MAX = 100_000.0


@dataclass
class ShopsCsv:
    """``rows`` are only meant to be imported when ``errors`` is empty."""

    rows: list[ShopInput] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)


def shops_csv_parse(data: bytes) -> ShopsCsv:
    """Check every line of a shops CSV file; a slug given twice is a bad line too."""
    result = ShopsCsv()
    seen: dict[str, int] = {}
    first = True
    for record in csv_records(data):
        if record.error:
            result.errors.append(LineError(record.line, record.error))
            continue
        if first:
            first = False
            if header_columns(record.fields, frozenset(COLUMNS)) == list(COLUMNS):
                continue
        if len(record.fields) != len(COLUMNS):
            result.errors.append(
                LineError(
                    record.line,
                    f"wrong column count: {len(record.fields)}, expected {len(COLUMNS)}",
                )
            )
            continue
        row, problems = _row(record.fields)
        if row is not None and row.slug in seen:
            problems.append(f"slug {row.slug!r} already on line {seen[row.slug]}")
        if problems:
            result.errors.append(LineError(record.line, "; ".join(problems)))
            continue
        assert row is not None
        seen[row.slug] = record.line
        result.rows.append(row)
    return result


def _row(fields: list[str]) -> tuple[ShopInput | None, list[str]]:
    slug, name, floor_text, x_text, y_text = (f.strip() for f in fields)
    name = " ".join(name.split())
    problems: list[str] = []
    if len(slug) > SLUG_MAX:
        problems.append(f"slug too long ({len(slug)} characters, at most {SLUG_MAX})")
    else:
        try:
            validate_slug(slug)
        except ValidationError:
            problems.append(f"bad slug {slug[:60]!r} (letters, digits, - and _ only)")
    if not name:
        problems.append("empty name")
    elif len(name) > NAME_MAX:
        problems.append(f"name too long ({len(name)} characters, at most {NAME_MAX})")
    floor: int | None = None
    try:
        floor = int(floor_text)
    except ValueError:
        problems.append(f"bad number for floor: {floor_text[:30]!r}")
    else:
        if not FLOOR_MIN <= floor <= FLOOR_MAX:
            problems.append(f"floor out of range: {floor} ({FLOOR_MIN} to {FLOOR_MAX})")
    coordinates: list[float] = []
    for axis, text in (("x", x_text), ("y", y_text)):
        try:
            value = float(text)
        except ValueError:
            problems.append(f"bad number for {axis}: {text[:30]!r}")
            continue
        if not math.isfinite(value) or abs(value) > COORDINATE_MAX:
            problems.append(f"{axis} out of range: {text[:30]}")
            continue
        coordinates.append(value)
    if problems or floor is None:
        return None, problems
    return ShopInput(slug=slug, name=name, floor=floor, x=coordinates[0], y=coordinates[1]), []

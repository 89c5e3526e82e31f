"""``manage.py import_synonyms``: a Solr file replaces the synonym table, or changes
nothing when a line is bad."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from matching.models import SynonymGroup
from matching.services import synonyms_replace
from matching.synonyms import synonyms_current
from tests.conftest import DATA

pytestmark = pytest.mark.django_db


def write(tmp_path: Path, content: bytes) -> Path:
    path = tmp_path / "synonyms.txt"
    path.write_bytes(content)
    return path


def test_import_replaces_the_table_with_the_files_groups():
    synonyms_replace(lines=["sofa, couch"])
    out = io.StringIO()

    call_command("import_synonyms", str(DATA / "synonyms.txt"), stdout=out)

    assert "3 group(s)" in out.getvalue()
    assert sorted(SynonymGroup.objects.values_list("words", flat=True)) == [
        "headphones, earphones => headset",
        "sneakers, trainers",
        "t shirt, tee",
    ]


def test_imported_groups_are_used_by_matching():
    call_command("import_synonyms", str(DATA / "synonyms.txt"), stdout=io.StringIO())

    assert ("trainer",) in synonyms_current().alternatives(("sneaker",))


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b"sneakers", "a group needs at least two comma-separated entries"),
        (b"sneakers, ", "a group needs at least two comma-separated entries"),
        (b"=> shoes", "a mapping needs words on both sides of =>"),
        (b"caf\xe9, coffee", "not valid UTF-8"),
        (b"a, " + b"b" * 500, "line too long"),
    ],
)
def test_bad_line_is_named_and_the_table_is_kept(tmp_path, line, reason):
    synonyms_replace(lines=["sofa, couch"])
    path = write(tmp_path, b"# comment\nsneakers, trainers\n" + line + b"\n")
    err = io.StringIO()

    with pytest.raises(CommandError, match="nothing changed"):
        call_command("import_synonyms", str(path), stdout=io.StringIO(), stderr=err)

    assert f"line 3: {reason}" in err.getvalue()
    assert list(SynonymGroup.objects.values_list("words", flat=True)) == ["sofa, couch"]

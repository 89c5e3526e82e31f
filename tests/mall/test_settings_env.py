"""Settings from the environment (config/settings.py): a bad number is named, not a traceback
from deep inside Django."""

import os
import subprocess
import sys

import pytest

from bench.servers import ROOT


def check(tmp_path, **env: str) -> subprocess.CompletedProcess[str]:
    # On the embedded database whatever the suite runs on: some variables are SQLite's.
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'check.sqlite3'}", **env}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("DEPARTURE_GRACE", "ten minutes", "DEPARTURE_GRACE must be a number, not 'ten minutes'"),
        ("FLOOR_CHANGE_METRES", "-5", "FLOOR_CHANGE_METRES must not be negative"),
        ("SQLITE_CHECKPOINT_EVERY", "often", "SQLITE_CHECKPOINT_EVERY must be a number"),
        ("CONN_MAX_AGE", "1.5", "CONN_MAX_AGE must be a number, not '1.5'"),
        ("ACCESS_LOG_DAYS", "a year", "ACCESS_LOG_DAYS must be a number, not 'a year'"),
    ],
)
def test_a_bad_number_in_the_environment_is_named(tmp_path, name, value, says):
    done = check(tmp_path, **{name: value})

    assert done.returncode != 0
    assert says in done.stderr


def test_numbers_from_the_environment_are_taken(tmp_path):
    done = check(
        tmp_path, DEPARTURE_GRACE="60", FLOOR_CHANGE_METRES="12.5", SQLITE_CHECKPOINT_EVERY="0"
    )

    assert done.returncode == 0, done.stderr

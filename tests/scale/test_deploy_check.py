"""``manage.py check --deploy`` with the production environment of docs/production.md.

Runs in a subprocess: settings are read once per process, from the environment.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: The environment docs/production.md tells a real mall to set (less the services, which
#: ``check --deploy`` does not contact).
PRODUCTION = {
    "DEBUG": "false",
    "SECURE": "true",
    "ALLOWED_HOSTS": "mall.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://mall.example.com",
}


def deploy_check(extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``check --deploy --fail-level WARNING`` in a fresh process with ``extra`` set."""
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "SECURE"}}
    env |= extra
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_passes_with_the_documented_production_environment():
    result = deploy_check(PRODUCTION | {"SECRET_KEY": secrets.token_urlsafe(50)})

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr


def test_deploy_check_warns_when_the_secret_key_is_left_at_its_default():
    result = deploy_check(PRODUCTION)

    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_deploy_check_warns_without_secure_behind_tls():
    result = deploy_check(
        {k: v for k, v in PRODUCTION.items() if k != "SECURE"}
        | {"SECRET_KEY": secrets.token_urlsafe(50)}
    )

    assert result.returncode != 0
    assert "security.W008" in result.stderr  # no redirect to HTTPS

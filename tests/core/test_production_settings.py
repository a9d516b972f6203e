"""The production settings documented in the README pass Django's deployment checklist, and the
security headers are on every response."""

import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

README = Path(settings.BASE_DIR) / "README.md"


def _documented_environment() -> dict[str, str]:
    block = README.read_text().split("`manage.py check --deploy --fail-level WARNING` passes with", 1)[1]
    block = block.split("```sh", 1)[1].split("```", 1)[0]
    environment = {}
    for line in block.strip().splitlines():
        name, value = re.match(r"(\w+)=(\S+)", line).groups()
        environment[name] = value
    return environment


def test_check_deploy_passes_with_the_documented_production_settings(tmp_path):
    environment = _documented_environment()
    assert environment["DEBUG"] == "false" and environment["SECURE_SSL_REDIRECT"] == "true"
    environment["SECRET_KEY"] = "k" + "9f3Xq2LmZr7Tv1Wc8Bn4Hy6Pd0Gs5Ja" * 2  # a long random-looking key
    environment["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"  # no server needed to check
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=120,
        env={"PATH": os.environ["PATH"], **environment},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_security_headers_on_every_response(client, db):
    for path in ["/accounts/login/", "/healthz", "/api/v1/me/", "/nowhere/"]:
        response = client.get(path)
        assert "script-src 'self'" in response["Content-Security-Policy"], path
        assert response["X-Content-Type-Options"] == "nosniff", path
    page = client.get("/accounts/login/")
    assert page["X-Frame-Options"] == "DENY" and page["Referrer-Policy"] == "same-origin"

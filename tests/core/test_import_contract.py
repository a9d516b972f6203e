"""The one-way flow of the apps (.importlinter) is a contract CI enforces: it passes on the code as
it is, and it breaks, naming the import, when an app reaches up or into another app's internals."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT = Path(sys.executable).with_name("lint-imports")


def _copy_of_the_project(tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    copy.mkdir()
    shutil.copy(ROOT / ".importlinter", copy / ".importlinter")
    for package in ROOT.iterdir():
        if (package / "__init__.py").exists() and package.name not in {"tests"}:
            shutil.copytree(package, copy / package.name, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
    return copy


def _lint(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT), "--no-cache"], cwd=project, capture_output=True, text=True, timeout=300,
                          env={"PYTHONPATH": str(project), "PATH": "/usr/bin:/bin"})


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return _copy_of_the_project(tmp_path_factory.mktemp("contract"))


def _with_import(project: Path, module: str, line: str) -> None:
    path = project / module
    path.write_text(f"{line}  # noqa\n" + path.read_text())


def test_the_code_as_it_is_keeps_every_contract(project):
    result = _lint(project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" not in result.stdout.replace("0 broken", "")


@pytest.mark.parametrize("module, line, expected", [
    # A lower app reaching up the flow: tasks must not know emulation.
    ("tasks/models.py", "from emulation import services", "tasks.models -> emulation.services"),
    # The kernel knows no app.
    ("core/text.py", "from accounts import models", "core.text -> accounts.models"),
    # An app reaching into another app's internals instead of its services and selectors.
    ("emulation/rules.py", "from tasks import forms", "emulation.rules -> tasks.forms"),
    ("documents/views.py", "from inspections.models import Finding", "documents.views -> inspections.models"),
])
def test_a_forbidden_import_breaks_the_contract(tmp_path, module, line, expected):
    project = _copy_of_the_project(tmp_path)
    _with_import(project, module, line)
    result = _lint(project)
    assert result.returncode != 0
    assert expected in result.stdout, result.stdout

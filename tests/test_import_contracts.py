"""The layers (.importlinter): apps import only the apps below them, and an app's services never
import another app's models. The contracts hold on the code as it is, and fail on a copy of it
with an upward import or a service reaching into another app's models."""

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The packages the contracts cover, as .importlinter names them.
_CONFIG = configparser.ConfigParser()
_CONFIG.read(ROOT / ".importlinter")
PACKAGES = _CONFIG["importlinter"]["root_packages"].split()
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint(where: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - the venv's own tool on the project's own code
        [str(LINT_IMPORTS), "--no-cache"], cwd=where, capture_output=True, text=True, check=False
    )


@pytest.fixture
def copy(tmp_path):
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    return tmp_path


def test_the_code_keeps_every_contract():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_an_upward_import_breaks_the_layers(copy):
    with (copy / "courses" / "services.py").open("a") as module:
        module.write("\nfrom records.selectors import record_rows  # noqa\n")
    result = lint(copy)
    assert result.returncode != 0
    assert "Each app imports only the apps below it" in result.stdout and "BROKEN" in result.stdout
    assert "courses.services -> records.selectors" in result.stdout


def test_a_service_reaching_into_another_apps_models_breaks_its_contract(copy):
    with (copy / "records" / "services" / "records.py").open("a") as module:
        module.write("\nfrom courses.models import Assignment  # noqa\n")
    result = lint(copy)
    assert result.returncode != 0
    assert "records' services write only records' models BROKEN" in result.stdout

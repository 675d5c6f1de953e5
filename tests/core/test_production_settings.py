"""Production settings, each checked in a fresh interpreter so the test settings stay untouched."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]


def run(*args, **env):
    clean_env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONDONTWRITEBYTECODE": "1",
        "DJANGO_SETTINGS_MODULE": "training_site.settings.production",
        **env,
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, *args], cwd=PROJECT, env=clean_env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.skipif((PROJECT / ".env").exists(), reason="a local .env may supply SECRET_KEY")
def test_production_settings_refuse_to_load_without_a_secret_key():
    result = run("-c", "import training_site.settings.production", ALLOWED_HOSTS="training.example.gov")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_production_settings_refuse_an_empty_secret_key():
    result = run(
        "-c", "import training_site.settings.production", SECRET_KEY="", ALLOWED_HOSTS="training.example.gov"
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_deployment_checks_pass_with_the_required_variables():
    result = run(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="check-deploy-a-long-random-value-for-the-test-only-0123456789-abcdefghijklmnop",
        ALLOWED_HOSTS="training.example.gov",
        SITE_URL="https://training.example.gov",
    )

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.skipif((PROJECT / ".env").exists(), reason="a local .env may supply SITE_URL")
def test_production_settings_require_the_public_address():
    result = run(
        "-c",
        "import training_site.settings.production",
        SECRET_KEY="a-long-random-value-for-the-test-only-0123456789",
        ALLOWED_HOSTS="training.example.gov",
    )

    assert result.returncode != 0
    assert "SITE_URL" in result.stderr

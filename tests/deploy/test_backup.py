"""Backups as docs/deployment.md ("Backups") tells the operator to take them: deploy/backup.py
run as a command against a migrated site with real rows and files, restored into a fresh
database and fresh directories and verified; on SQLite, and on PostgreSQL when a server
answers on 127.0.0.1:5432 (user postgres, trust)."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy" / "backup.py"
POSTGRES = "host=127.0.0.1 port=5432 user=postgres connect_timeout=3"
DELETE_A_ROW = (
    "DELETE FROM wagtailcore_pagelogentry WHERE id = (SELECT max(id) FROM wagtailcore_pagelogentry)"
)


@dataclass
class Site:
    """A database and the two file roots, as the environment of an app server names them."""

    engine: str
    database_url: str
    media: Path
    private: Path

    def env(self, **extra) -> dict:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("DJANGO_SETTINGS_MODULE", "REDIS_URL")
        }
        return {
            **env,
            "DATABASE_URL": self.database_url,
            "MEDIA_ROOT": str(self.media),
            "PRIVATE_ROOT": str(self.private),
            **extra,
        }

    def execute(self, statement: str) -> list[tuple]:
        if self.engine == "sqlite":
            with sqlite3.connect(self.database_url.removeprefix("sqlite:///")) as connection:
                rows = connection.execute(statement).fetchall()
            connection.close()
            return rows
        with psycopg.connect(POSTGRES + " dbname=" + self.database_url.rsplit("/", 1)[1]) as connection:
            cursor = connection.execute(statement)
            return cursor.fetchall() if cursor.description else []

    def tables(self) -> int:
        if self.engine == "sqlite":
            return self.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'")[0][0]
        return self.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")[0][0]


def _backup_py(site: Site, *arguments, **env) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - the script under test
        [sys.executable, str(SCRIPT), *map(str, arguments)],
        cwd=ROOT, env=site.env(**env), capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def _postgres_missing() -> str | None:
    for tool in ("pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    try:
        psycopg.connect(POSTGRES + " dbname=postgres").close()
    except psycopg.OperationalError:
        return "PostgreSQL does not answer on 127.0.0.1:5432 as postgres"
    return None


class Places:
    """Fresh, empty targets: SQLite files and PostgreSQL databases under unique names (dropped
    at the end), each with its own media and private directories."""

    def __init__(self, work: Path):
        self.work = work
        self.databases = []

    def site(self, engine: str) -> Site:
        name = f"backup_test_{uuid.uuid4().hex[:12]}"
        place = self.work / name
        place.mkdir()
        if engine == "sqlite":
            url = f"sqlite:///{place / 'db.sqlite3'}"
        else:
            with psycopg.connect(POSTGRES + " dbname=postgres", autocommit=True) as connection:
                connection.execute(f'CREATE DATABASE "{name}"')
            self.databases.append(name)
            url = f"postgres://postgres@127.0.0.1:5432/{name}"
        return Site(engine, url, place / "media", place / "private")

    def drop(self) -> None:
        with psycopg.connect(POSTGRES + " dbname=postgres", autocommit=True) as connection:
            for name in self.databases:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def places(tmp_path_factory):
    places = Places(tmp_path_factory.mktemp("backup"))
    yield places
    if places.databases:
        places.drop()


@pytest.fixture(scope="module")
def sources(places):
    """The source sites, migrated and filled by tests/deploy/backup_source.py, both at once
    (migrating takes about 20 s each), then backed up."""
    # The engine the suite runs on: CI's SQLite run tests SQLite's backups, its PostgreSQL run
    # PostgreSQL's (each build migrates a database from scratch, which is slow).
    suite_on_postgres = "postgresql" in settings.DATABASES["default"]["ENGINE"]
    engines = ["postgres"] if suite_on_postgres and not _postgres_missing() else ["sqlite"]
    sites = {engine: places.site(engine) for engine in engines}
    builds = {
        engine: subprocess.Popen(  # noqa: S603 - our own module
            [sys.executable, "-m", "tests.deploy.backup_source"],
            cwd=ROOT,
            env=site.env(
                DJANGO_SETTINGS_MODULE="training_site.settings.dev",
                TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
            ),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for engine, site in sites.items()
    }
    for engine, build in builds.items():
        output, _ = build.communicate(timeout=300)
        assert build.returncode == 0, f"building the {engine} source failed:\n{output}"
    backups = {}
    for engine, site in sites.items():
        backups[engine] = places.work / f"backup-{engine}"
        made = _backup_py(site, "backup", "--to", backups[engine])
        assert made.returncode == 0, made.stderr
    return {engine: (sites[engine], backups[engine]) for engine in engines}


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def engine(request, sources):
    if request.param not in sources:
        pytest.skip(
            _postgres_missing()
            or f"the suite runs on {next(iter(sources))}; its CI run on the other engine tests this"
        )
    return request.param


@pytest.fixture(scope="module")
def source(engine, sources) -> Site:
    return sources[engine][0]


@pytest.fixture(scope="module")
def backup(engine, sources) -> Path:
    return sources[engine][1]


@pytest.fixture(scope="module")
def restored(engine, places, backup) -> Site:
    """A fresh database and fresh directories with the backup restored into them."""
    site = places.site(engine)
    result = _backup_py(site, "restore", "--from", backup)
    assert result.returncode == 0, result.stderr
    return site


def _manifest(backup: Path) -> dict:
    return json.loads((backup / "manifest.json").read_text(encoding="utf-8"))


def test_the_backup_holds_the_database_and_both_roots(source, backup):
    manifest = _manifest(backup)
    tables = manifest["database"]["tables"]
    assert tables["people_user"] == 5
    assert tables["certificates_certificate"] == 1
    assert tables["courses_coursepage"] == 1
    assert manifest["database"]["migrations"]["people"].startswith("00")
    for root, path in (("media", source.media), ("private", source.private)):
        files = manifest["roots"][root]["files"]
        assert files
        assert sorted(files) == sorted(p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file())
    assert any(name.startswith("certificates/") for name in manifest["roots"]["private"]["files"])
    assert "documents/lecture.mp4" in manifest["roots"]["media"]["files"]
    checked = subprocess.run(["sha256sum", "--check", "SHA256SUMS"], cwd=backup, capture_output=True)  # noqa: S607
    assert checked.returncode == 0, checked.stdout


def test_a_restore_into_a_fresh_site_verifies(source, backup, restored):
    result = _backup_py(restored, "verify", "--from", backup)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "match" in result.stdout
    for root in ("media", "private"):
        original, copy = getattr(source, root), getattr(restored, root)
        for path in original.rglob("*"):
            if path.is_file():
                assert (copy / path.relative_to(original)).read_bytes() == path.read_bytes()
    assert restored.execute("SELECT count(*) FROM people_user") == [(5,)]


def test_verify_catches_damage_and_a_forced_restore_repairs_it(backup, restored):
    certificate = next(restored.private.rglob("*.pdf"))
    certificate.write_bytes(certificate.read_bytes()[:-1] + b"\0")
    (restored.media / "documents" / "lecture.mp4").unlink()
    (restored.media / "stray.txt").write_text("not in the backup")
    restored.execute(DELETE_A_ROW)

    result = _backup_py(restored, "verify", "--from", backup)
    assert result.returncode == 1
    assert (
        f"private: content differs: {certificate.relative_to(restored.private).as_posix()}" in result.stdout
    )
    assert "media: missing: documents/lecture.mp4" in result.stdout
    assert "media: not in the backup: stray.txt" in result.stdout
    assert "table wagtailcore_pagelogentry:" in result.stdout

    result = _backup_py(restored, "restore", "--from", backup, "--force")
    assert result.returncode == 0, result.stderr
    result = _backup_py(restored, "verify", "--from", backup)
    assert result.returncode == 0, result.stdout
    assert not [path.name for path in restored.media.iterdir() if path.name.startswith(".")]


def test_restore_refuses_a_non_empty_target_or_a_damaged_backup_and_changes_nothing(
    engine, places, source, backup, tmp_path
):
    result = _backup_py(source, "restore", "--from", backup)
    assert result.returncode == 2
    assert "refusing to restore over existing data" in result.stderr

    site = places.site(engine)  # an empty database
    damaged = tmp_path / "damaged"
    shutil.copytree(backup, damaged)
    with (damaged / "private.tar").open("r+b") as archive:
        archive.seek(1024)
        archive.write(b"\xff")
    result = _backup_py(site, "restore", "--from", damaged)
    assert result.returncode == 2
    assert "private.tar is damaged" in result.stderr
    assert not site.media.exists() and not site.private.exists()

    site.media.mkdir()
    (site.media / "left-over.txt").write_text("mine")
    result = _backup_py(site, "restore", "--from", backup)
    assert result.returncode == 2
    assert f"media root {site.media}" in result.stderr
    # Neither the database nor the other root was restored alone.
    assert site.tables() == 0
    assert not site.private.exists()
    assert [path.name for path in site.media.iterdir()] == ["left-over.txt"]


def test_backup_refuses_a_directory_in_use(source, backup):
    result = _backup_py(source, "backup", "--to", backup)
    assert result.returncode == 2
    assert "exists and is not empty" in result.stderr


def test_bad_input_gets_a_clear_message(places, tmp_path):
    site = places.site("sqlite")
    for arguments, message in (
        (("verify", "--from", tmp_path / "nowhere"), "is not a directory"),
        (("restore", "--from", tmp_path), "has no manifest.json"),
        (("backup", "--to", tmp_path / "b"), "does not exist"),  # no database file yet
    ):
        result = _backup_py(site, *arguments)
        assert result.returncode == 2, arguments
        assert message in result.stderr, (arguments, result.stderr)
    (tmp_path / "manifest.json").write_text('{"format": "something-else"}')
    result = _backup_py(site, "verify", "--from", tmp_path)
    assert result.returncode == 2
    assert "is not a manifest of format" in result.stderr
    assert not (tmp_path / "b").exists()


def test_missing_postgresql_tools_are_named(tmp_path):
    site = Site("postgres", "postgres://postgres@127.0.0.1:5432/unused", tmp_path / "m", tmp_path / "p")
    result = _backup_py(site, "backup", "--to", tmp_path / "b", PATH=str(tmp_path))
    assert result.returncode == 2
    assert "pg_dump is not installed" in result.stderr

#!/usr/bin/env python
"""Back up, restore and verify the database, MEDIA_ROOT and PRIVATE_ROOT (docs/deployment.md,
"Backups"; tests/deploy/test_backup.py runs exactly these commands).

    python deploy/backup.py backup --to DIR
    python deploy/backup.py restore --from DIR [--force]
    python deploy/backup.py verify --from DIR

The database, MEDIA_ROOT and PRIVATE_ROOT are those the application's settings name
(DJANGO_SETTINGS_MODULE, default training_site.settings.base, which reads DATABASE_URL and the
rest from the environment and .env). Exit status: 0 done, 1 `verify` found differences,
2 refused or failed, with the reason on stderr.
"""

import argparse
import hashlib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORMAT = "training-backup/1"
MANIFEST = "manifest.json"
CHECKSUMS = "SHA256SUMS"
ROOT_NAMES = ("media", "private")
DIFFERENCES_SHOWN = 20


class BackupError(Exception):
    """Refused or failed: the message tells the operator why and what to do."""


@dataclass
class Snapshot:
    """What the database held at one instant: row counts per table, latest migration per app."""

    tables: dict[str, int]
    migrations: dict[str, str]


# Configuration, read the way the application reads it


@dataclass
class Config:
    database: dict
    roots: dict[str, Path]
    media_storage: str


def config_load() -> Config:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "training_site.settings.base")
    sys.path.insert(0, str(ROOT))
    from django.conf import settings

    try:
        database = settings.DATABASES["default"]
    except Exception as error:  # a settings module can raise anything; the operator needs the message
        raise BackupError(
            f"cannot read the settings ({os.environ['DJANGO_SETTINGS_MODULE']}): {error}"
        ) from None
    return Config(
        database=database,
        roots={"media": Path(settings.MEDIA_ROOT), "private": Path(settings.PRIVATE_ROOT)},
        media_storage=settings.STORAGES["default"]["BACKEND"],
    )


def database_for(config: Config):
    engine = config.database["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        return SqliteDatabase(config.database)
    if engine == "django.db.backends.postgresql":
        return PostgresDatabase(config.database)
    raise BackupError(f"no backup method for the database engine {engine}")


# SQLite: the online backup API, which copies a consistent snapshot while the app writes


class SqliteDatabase:
    engine = "sqlite"
    dump_name = "database.sqlite3"

    def __init__(self, settings_dict: dict):
        name = str(settings_dict["NAME"])
        if not name or name == ":memory:" or name.startswith("file:"):
            raise BackupError(f"DATABASE_URL names no SQLite file ({name!r})")
        self.path = Path(name)

    def describe(self) -> str:
        return f"SQLite database {self.path}"

    def _connect(self, path: Path, mode: str) -> sqlite3.Connection:
        # mode=rw/ro never creates a missing file, as a plain connect would.
        return sqlite3.connect(f"file:{path}?mode={mode}", uri=True, timeout=30)

    def dump(self, target: Path) -> Snapshot:
        if not self.path.is_file():
            raise BackupError(f"{self.describe()} does not exist")
        with self._connect(self.path, "rw") as source, sqlite3.connect(target) as copy:
            source.backup(copy)
            # One self-contained file, with no -wal beside it.
            copy.execute("PRAGMA journal_mode=DELETE")
        source.close()
        copy.close()
        return self.snapshot_of(target)

    def snapshot_of(self, path: Path, mode: str = "ro") -> Snapshot:
        connection = self._connect(path, mode)
        try:
            names = [row[0] for row in connection.execute(SQLITE_TABLES)]
            tables = {name: _sqlite_count(connection, name) for name in names}
            migrations = (
                _latest_migrations(connection.execute(MIGRATIONS).fetchall())
                if "django_migrations" in tables
                else {}
            )
        finally:
            connection.close()
        return Snapshot(tables, migrations)

    def snapshot(self) -> Snapshot:
        if not self.path.is_file():
            return Snapshot({}, {})
        # Read-write: read-only connections fail on a WAL database whose -shm file is gone.
        return self.snapshot_of(self.path, "rw")

    def is_empty(self) -> bool:
        return not self.snapshot().tables

    def check_tools(self, command: str) -> None:
        pass

    def restore(self, dump: Path) -> None:
        if not self.path.parent.is_dir():
            raise BackupError(f"the directory of {self.describe()} does not exist")
        # Written by SQLite in one transaction: the target holds the old data or all the new.
        with self._connect(dump, "ro") as source, sqlite3.connect(self.path) as target:
            source.backup(target)
        source.close()
        target.close()


SQLITE_TABLES = (
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
)
MIGRATIONS = "SELECT app, name FROM django_migrations ORDER BY id"


def _sqlite_count(connection: sqlite3.Connection, table: str) -> int:
    quoted = '"' + table.replace('"', '""') + '"'
    return connection.execute(f"SELECT count(*) FROM {quoted}").fetchone()[0]  # noqa: S608 - quoted name


def _latest_migrations(rows) -> dict[str, str]:
    latest = {}
    for app, name in rows:  # in the order applied
        latest[app] = name
    return dict(sorted(latest.items()))


# PostgreSQL: pg_dump/pg_restore; the counts come from the very snapshot pg_dump dumps


PG_TABLES = """
SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
ORDER BY 1, 2
"""
PG_RELATIONS = """
SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
"""


class PostgresDatabase:
    engine = "postgresql"
    dump_name = "database.pgdump"

    def __init__(self, settings_dict: dict):
        import psycopg

        self.psycopg = psycopg
        valid = {default.keyword.decode() for default in psycopg.pq.Conninfo.get_defaults()}
        params = {
            "dbname": settings_dict.get("NAME"),
            "user": settings_dict.get("USER"),
            "host": settings_dict.get("HOST"),
            "port": settings_dict.get("PORT"),
            **{key: value for key, value in settings_dict.get("OPTIONS", {}).items() if key in valid},
        }
        params.pop("password", None)
        self.params = {key: str(value) for key, value in params.items() if value not in (None, "")}
        self.password = settings_dict.get("PASSWORD") or ""
        self.conninfo = psycopg.conninfo.make_conninfo(**self.params)

    def describe(self) -> str:
        where = f"{self.params.get('host', 'localhost')}:{self.params.get('port', 5432)}"
        return f"PostgreSQL database {self.params.get('dbname')} on {where}"

    def _connect(self):
        try:
            return self.psycopg.connect(self.conninfo, password=self.password or None, connect_timeout=10)
        except self.psycopg.OperationalError as error:
            message = f"cannot connect to the {self.describe()}: {str(error).strip()}"
            if "does not exist" in message:
                message += (
                    f"\n(create it, empty: createdb --owner=<the app's user> {self.params.get('dbname')})"
                )
            raise BackupError(message) from None

    def _tool_env(self) -> dict:
        # The password goes through the environment, never the command line (ps shows that).
        return {**os.environ, "PGPASSWORD": self.password} if self.password else dict(os.environ)

    def check_tools(self, command: str) -> None:
        tool = "pg_dump" if command == "backup" else "pg_restore"
        if command != "verify" and shutil.which(tool) is None:
            raise BackupError(
                f"{tool} is not installed: apt-get install postgresql-client "
                "(the server's major version or newer)"
            )

    def dump(self, target: Path) -> Snapshot:
        with self._connect() as connection:
            connection.read_only = True
            connection.isolation_level = self.psycopg.IsolationLevel.REPEATABLE_READ
            snapshot_id = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
            _run_tool(
                ["pg_dump", "--format=custom", "--no-password", f"--snapshot={snapshot_id}",
                 f"--file={target}", f"--dbname={self.conninfo}"],
                self._tool_env(),
            )  # fmt: skip
            return self._snapshot_in(connection)

    def _snapshot_in(self, connection) -> Snapshot:
        sql = self.psycopg.sql
        tables = {}
        for schema, name in connection.execute(PG_TABLES).fetchall():
            query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(schema, name))
            key = name if schema == "public" else f"{schema}.{name}"
            tables[key] = connection.execute(query).fetchone()[0]
        rows = connection.execute(MIGRATIONS).fetchall() if "django_migrations" in tables else []
        return Snapshot(tables, _latest_migrations(rows))

    def snapshot(self) -> Snapshot:
        with self._connect() as connection:
            connection.isolation_level = self.psycopg.IsolationLevel.REPEATABLE_READ
            return self._snapshot_in(connection)

    def is_empty(self) -> bool:
        with self._connect() as connection:
            return connection.execute(PG_RELATIONS).fetchone()[0] == 0

    def restore(self, dump: Path) -> None:
        self._connect().close()  # a clear message if the database is missing or unreachable
        # One transaction: on any error the target is left as it was.
        _run_tool(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-acl", "--single-transaction",
             "--exit-on-error", "--no-password", f"--dbname={self.conninfo}", str(dump)],
            self._tool_env(),
        )  # fmt: skip


def _run_tool(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603 - fixed tools
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed (exit {result.returncode}):\n{result.stderr.strip()}")


# Files: tar archives of the roots, hashed as they are written


class _HashingReader:
    def __init__(self, file):
        self.file = file
        self.hash = hashlib.sha256()

    def read(self, size=-1):
        data = self.file.read(size)
        self.hash.update(data)
        return data


def root_archive(root: Path, archive: Path) -> dict[str, str]:
    """Write `root` into `archive` (paths relative to it) and return each file's SHA-256."""
    hashes = {}
    with tarfile.open(archive, "w", format=tarfile.PAX_FORMAT) as tar:
        for path in _tree(root):
            name = path.relative_to(root).as_posix()
            info = tar.gettarinfo(str(path), arcname=name)
            if info.isdir():
                tar.addfile(info)
            elif info.isfile():
                with path.open("rb") as file:
                    reader = _HashingReader(file)
                    try:
                        tar.addfile(info, reader)
                    except OSError as error:
                        raise BackupError(
                            f"{path} changed while it was read ({error}): back up again"
                        ) from None
                hashes[name] = reader.hash.hexdigest()
            else:
                print(f"warning: {path} skipped (not a regular file or directory)", file=sys.stderr)
    return hashes


def _tree(root: Path):
    if not root.is_dir():
        return
    for directory, subdirectories, files in os.walk(root):
        subdirectories.sort()
        base = Path(directory)
        for name in subdirectories + sorted(files):
            yield base / name


def tree_hashes(root: Path) -> dict[str, str]:
    hashes = {}
    for path in _tree(root):
        if path.is_file() and not path.is_symlink():
            hashes[path.relative_to(root).as_posix()] = file_hash(path)
    return hashes


def file_hash(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def root_is_empty(root: Path) -> bool:
    return not root.exists() or not any(root.iterdir())


def root_stage(archive: Path, root: Path, expected: dict[str, str]) -> Path:
    """Unpack `archive` into a hidden directory inside `root` (the same file system, even when
    `root` is a mounted volume) and check every file against the manifest."""
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=root))
    with tarfile.open(archive) as tar:
        tar.extractall(staging, filter="data")
    differences = hash_differences(expected, tree_hashes(staging))
    if differences:
        shutil.rmtree(staging)
        raise BackupError(f"{archive.name} does not unpack to the files in the manifest: {differences[0]}")
    return staging


def root_swap(staging: Path, root: Path) -> Path | None:
    """Move the staged files into `root`; what was there goes aside, to be removed by the caller."""
    existing = [path for path in root.iterdir() if path != staging]
    aside = None
    if existing:
        aside = Path(tempfile.mkdtemp(prefix=".replaced-", dir=root))
        for path in existing:
            path.rename(aside / path.name)
    for path in staging.iterdir():
        path.rename(root / path.name)
    staging.rmdir()
    return aside


# The manifest


def manifest_read(directory: Path) -> dict:
    if not directory.is_dir():
        raise BackupError(f"{directory} is not a directory")
    path = directory / MANIFEST
    if not path.is_file():
        raise BackupError(f"{directory} has no {MANIFEST}: not a backup made by deploy/backup.py")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError(f"{path} is not valid JSON: {error}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a manifest of format {FORMAT}")
    try:
        _manifest_check(manifest)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise BackupError(f"{path} is incomplete or malformed ({error!r})") from None
    return manifest


def _manifest_check(manifest: dict) -> None:
    database, roots, artifacts = manifest["database"], manifest["roots"], manifest["artifacts"]
    if any(
        Path(name).name != name or not isinstance(item["sha256"], str) for name, item in artifacts.items()
    ):
        raise ValueError("artifacts")
    if {database["dump"], *(roots[name]["archive"] for name in ROOT_NAMES)} - artifacts.keys():
        raise KeyError("artifacts")
    if not database["migrations"] or not all(isinstance(count, int) for count in database["tables"].values()):
        raise ValueError("database")
    if not all(isinstance(roots[name]["files"], dict) for name in ROOT_NAMES):
        raise ValueError("roots")


def artifacts_check(directory: Path, manifest: dict) -> None:
    for name, expected in manifest["artifacts"].items():
        path = directory / name
        if not path.is_file():
            raise BackupError(f"{path} is missing")
        if file_hash(path) != expected["sha256"]:
            raise BackupError(f"{path} is damaged: its SHA-256 differs from the manifest's")


def hash_differences(expected: dict[str, str], actual: dict[str, str]) -> list[str]:
    missing = [f"missing: {name}" for name in sorted(expected.keys() - actual.keys())]
    extra = [f"not in the backup: {name}" for name in sorted(actual.keys() - expected.keys())]
    changed = [
        f"content differs: {name}"
        for name in sorted(expected.keys() & actual.keys())
        if expected[name] != actual[name]
    ]
    return missing + changed + extra


def snapshot_differences(expected: Snapshot, actual: Snapshot) -> list[str]:
    differences = []
    for table in sorted(expected.tables.keys() | actual.tables.keys()):
        rows, live = expected.tables.get(table), actual.tables.get(table)
        if rows != live:
            differences.append(f"table {table}: {_rows(rows)} in the backup, {_rows(live)} in the database")
    for app in sorted(expected.migrations.keys() | actual.migrations.keys()):
        if expected.migrations.get(app) != actual.migrations.get(app):
            differences.append(
                f"migrations of {app}: {expected.migrations.get(app, 'none')} in the backup, "
                f"{actual.migrations.get(app, 'none')} in the database"
            )
    return differences


def _rows(count: int | None) -> str:
    if count is None:
        return "no table"
    return f"{count} row" if count == 1 else f"{count} rows"


# The commands


def command_backup(config: Config, directory: Path) -> None:
    started = time.monotonic()
    database = database_for(config)
    database.check_tools("backup")
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise BackupError(f"{directory} exists and is not empty: choose a new directory")
    _warn_about_storage(config)
    directory.parent.mkdir(parents=True, exist_ok=True)
    os.umask(0o077)  # a backup holds personal data: readable by its owner only
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.partial-", dir=directory.parent))
    try:
        manifest = _backup_into(config, database, staging)
        if directory.exists():
            directory.rmdir()
        staging.rename(directory)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _report_backup(manifest, directory, time.monotonic() - started)


def _backup_into(config: Config, database, staging: Path) -> dict:
    # The database first: every file its rows name was already written; files added later are
    # harmless extras.
    snapshot = database.dump(staging / database.dump_name)
    if "django_migrations" not in snapshot.tables:
        raise BackupError(f"the {database.describe()} was never migrated: is DATABASE_URL right?")
    roots = {}
    for name in ROOT_NAMES:
        root = config.roots[name]
        roots[name] = {
            "path": str(root),
            "archive": f"{name}.tar",
            "files": root_archive(root, staging / f"{name}.tar"),
        }
    artifacts = {
        path.name: {"sha256": file_hash(path), "bytes": path.stat().st_size}
        for path in sorted(staging.iterdir())
    }
    manifest = {
        "format": FORMAT,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "host": socket.gethostname(),
        "database": {
            "engine": database.engine,
            "dump": database.dump_name,
            "source": database.describe(),
            "migrations": snapshot.migrations,
            "tables": snapshot.tables,
        },
        "roots": roots,
        "artifacts": artifacts,
    }
    (staging / MANIFEST).write_text(
        json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    sums = {
        **{name: item["sha256"] for name, item in artifacts.items()},
        MANIFEST: file_hash(staging / MANIFEST),
    }
    (staging / CHECKSUMS).write_text("".join(f"{digest}  {name}\n" for name, digest in sums.items()))
    return manifest


def _warn_about_storage(config: Config) -> None:
    if config.media_storage != "django.core.files.storage.FileSystemStorage":
        print(
            f"warning: course media are kept by {config.media_storage}, not in MEDIA_ROOT: "
            "back up that store with its own tools",
            file=sys.stderr,
        )


def _report_backup(manifest: dict, directory: Path, seconds: float) -> None:
    database = manifest["database"]
    rows = sum(database["tables"].values())
    print(f"Backed up to {directory} in {seconds:.1f} s:")
    print(
        f"  database: {database['source']}, {len(database['tables'])} tables, {rows} rows, "
        f"{_size(manifest['artifacts'][database['dump']]['bytes'])}"
    )
    for name, root in manifest["roots"].items():
        size = manifest["artifacts"][root["archive"]]["bytes"]
        print(f"  {name}: {root['path']}, {len(root['files'])} files, {_size(size)}")


def _size(count: int) -> str:
    size = float(count)
    for unit in ("B", "KB", "MB"):
        if size < 1024:
            return f"{count} B" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


def command_restore(config: Config, directory: Path, *, force: bool) -> None:
    started = time.monotonic()
    manifest = manifest_read(directory)
    database = _database_matching(config, manifest)
    database.check_tools("restore")
    artifacts_check(directory, manifest)
    _refuse_non_empty(config, database, force=force)
    staged = {}
    try:
        for name in ROOT_NAMES:
            entry = manifest["roots"][name]
            staged[name] = root_stage(directory / entry["archive"], config.roots[name], entry["files"])
        database.restore(directory / manifest["database"]["dump"])
    except BaseException:
        for staging in staged.values():
            shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap_roots(config, staged)
    print(f"Restored {directory} (made {manifest['created']}) in {time.monotonic() - started:.1f} s into:")
    print(f"  {database.describe()}")
    for name in ROOT_NAMES:
        print(f"  {name}: {config.roots[name]}")
    print(f"Check it: python deploy/backup.py verify --from {directory}")


def _database_matching(config: Config, manifest: dict):
    database = database_for(config)
    engine = manifest["database"].get("engine")
    if engine != database.engine:
        raise BackupError(
            f"the backup holds a {engine} database, DATABASE_URL names a {database.engine} one: "
            "restore into the same kind of database"
        )
    return database


def _refuse_non_empty(config: Config, database, *, force: bool) -> None:
    if force:
        return
    occupied = [database.describe()] if not database.is_empty() else []
    occupied += [
        f"{name} root {config.roots[name]}" for name in ROOT_NAMES if not root_is_empty(config.roots[name])
    ]
    if occupied:
        raise BackupError(
            "refusing to restore over existing data in " + "; ".join(occupied) + " (--force replaces it)"
        )


def _swap_roots(config: Config, staged: dict[str, Path]) -> None:
    # The database is restored: from here on only renames within each root remain.
    for name, staging in staged.items():
        try:
            aside = root_swap(staging, config.roots[name])
        except OSError as error:
            raise BackupError(
                f"the database is restored but moving the files into {config.roots[name]} failed: "
                f"{error}; the unpacked files are in {staging}, the files that were there in .replaced-*"
            ) from None
        if aside is not None:
            shutil.rmtree(aside)


def command_verify(config: Config, directory: Path) -> int:
    manifest = manifest_read(directory)
    database = _database_matching(config, manifest)
    recorded = Snapshot(manifest["database"]["tables"], manifest["database"]["migrations"])
    live = database.snapshot()
    if live.tables:
        differences = [f"database: {line}" for line in snapshot_differences(recorded, live)]
    else:
        differences = [f"database: the {database.describe()} has no tables"]
    for name in ROOT_NAMES:
        expected = manifest["roots"][name]["files"]
        actual = tree_hashes(config.roots[name])
        differences += [f"{name}: {line}" for line in hash_differences(expected, actual)]
    if differences:
        for line in differences[:DIFFERENCES_SHOWN]:
            print(line)
        if len(differences) > DIFFERENCES_SHOWN:
            print(f"... and {len(differences) - DIFFERENCES_SHOWN} more")
        print(
            f"Verify FAILED: the data differs from the backup {directory} ({len(differences)})",
            file=sys.stderr,
        )
        return 1
    files = sum(len(manifest["roots"][name]["files"]) for name in ROOT_NAMES)
    print(
        f"Verified against {directory} (made {manifest['created']}): "
        f"{len(recorded.tables)} tables, {sum(recorded.tables.values())} rows and {files} files match"
    )
    return 0


def parser_build() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    backup = commands.add_parser("backup", help="write a backup into a new directory")
    backup.add_argument("--to", required=True, type=Path, metavar="DIR")
    restore = commands.add_parser("restore", help="restore a backup (stop the app first)")
    restore.add_argument("--from", dest="source", required=True, type=Path, metavar="DIR")
    restore.add_argument(
        "--force", action="store_true", help="replace a database and files that are not empty"
    )
    verify = commands.add_parser("verify", help="compare the live data with a backup's manifest")
    verify.add_argument("--from", dest="source", required=True, type=Path, metavar="DIR")
    return parser


def main(argv=None) -> int:
    arguments = parser_build().parse_args(argv)
    try:
        config = config_load()
        if arguments.command == "backup":
            command_backup(config, arguments.to)
            return 0
        if arguments.command == "restore":
            command_restore(config, arguments.source, force=arguments.force)
            return 0
        return command_verify(config, arguments.source)
    except BackupError as error:
        print(f"backup.py {arguments.command}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

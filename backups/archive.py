"""One archive holds the whole system: the database and the uploaded files (MEDIA_ROOT).

    kycuong-backup-<UTC time>.tar.gz
      manifest.json        when, which engine, applied migrations, every media file's SHA-256
      database.sqlite3     (SQLite) a consistent snapshot taken with SQLite's online backup API
      database.pgdump      (PostgreSQL) pg_dump in its custom format
      media/...            the uploaded files

Both are taken while the application runs: SQLite's backup API and pg_dump each read one
consistent state. A restore replaces the database and the media folder of the target with the
archive's, after checking every file against the manifest; it refuses an archive of another
engine, and one whose migrations the code does not know (restore with the code of that time)."""

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection, connections
from django.db.migrations.recorder import MigrationRecorder

FORMAT = 1


class BackupError(Exception):
    pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _engine() -> str:
    return "sqlite" if connection.vendor == "sqlite" else "postgresql"


def _pg_environment() -> tuple[list[str], dict]:
    db = settings.DATABASES["default"]
    args = ["--host", db.get("HOST") or "localhost", "--port", str(db.get("PORT") or 5432),
            "--username", db.get("USER") or "postgres", "--dbname", db["NAME"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _media_files(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {str(path.relative_to(root)): _sha256(path) for path in sorted(root.rglob("*")) if path.is_file()}


def create(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    target = directory / f"kycuong-backup-{stamp}.tar.gz"
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        engine = _engine()
        if engine == "sqlite":
            database = work / "database.sqlite3"
            connection.ensure_connection()
            with sqlite3.connect(database) as copy:
                connection.connection.backup(copy)
        else:
            database = work / "database.pgdump"
            args, env = _pg_environment()
            subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(database), *args],
                           env=env, check=True, capture_output=True)
        media = _media_files(media_root)
        manifest = {
            "format": FORMAT,
            "created_at": stamp,
            "engine": engine,
            "migrations": sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations()),
            "database": {"name": database.name, "sha256": _sha256(database)},
            "media": media,
        }
        partial = target.with_suffix(".partial")
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            archive.add(database, arcname=database.name)
            for name in media:
                archive.add(media_root / name, arcname=f"media/{name}")
        partial.rename(target)  # never a half-written archive under the final name
    return target


def read_manifest(archive_path: Path) -> dict:
    with tarfile.open(archive_path, "r:gz") as archive:
        return json.load(archive.extractfile("manifest.json"))


def restore(archive_path: Path) -> dict:
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(work, filter="data")  # refuses absolute paths, "..", links out
        manifest = json.loads((work / "manifest.json").read_text())
        _check(manifest, work)
        if manifest["engine"] == "sqlite":
            connection.close()
            with sqlite3.connect(work / manifest["database"]["name"]) as source:
                connection.ensure_connection()
                source.backup(connection.connection)
        else:
            args, env = _pg_environment()
            connections.close_all()
            subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", *args,
                            str(work / manifest["database"]["name"])], env=env, check=True, capture_output=True)
        media_root = Path(settings.MEDIA_ROOT)
        staged = media_root.with_name(media_root.name + ".restoring")
        shutil.rmtree(staged, ignore_errors=True)
        if (work / "media").exists():
            shutil.copytree(work / "media", staged)
        else:
            staged.mkdir(parents=True)
        shutil.rmtree(media_root, ignore_errors=True)
        staged.rename(media_root)
    return manifest


def _check(manifest: dict, work: Path) -> None:
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown archive format {manifest.get('format')!r}.")
    if manifest["engine"] != _engine():
        raise BackupError(f"The archive holds a {manifest['engine']} database; this system runs on {_engine()}.")
    database = work / manifest["database"]["name"]
    if _sha256(database) != manifest["database"]["sha256"]:
        raise BackupError("The database file in the archive is damaged (checksum mismatch).")
    for name, digest in manifest["media"].items():
        path = work / "media" / name
        if not path.is_file() or _sha256(path) != digest:
            raise BackupError(f"The media file {name} in the archive is missing or damaged.")
    known = {f"{m.app_label}.{m.name}" for m in _known_migrations()}
    unknown = sorted(set(manifest["migrations"]) - known)
    if unknown:
        raise BackupError(f"The archive was made by a newer version (unknown migrations: {', '.join(unknown[:5])}).")


def migrations_to_apply(manifest: dict) -> list[str]:
    """Migrations the code has that the restored database had not applied (an older backup)."""
    return sorted({f"{m.app_label}.{m.name}" for m in _known_migrations()} - set(manifest["migrations"]))


def _known_migrations():
    from django.db.migrations.loader import MigrationLoader

    return MigrationLoader(None, ignore_no_migrations=True).disk_migrations.values()

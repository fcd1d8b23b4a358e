"""``flask backup FILE`` / ``flask restore FILE``: a backup restored into a fresh database holds
every row of every table; a truncated or altered file, or other keys, are refused untouched."""

from __future__ import annotations

import tarfile
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import audit
from app.common.crypto import decrypt
from app.extensions import db
from app.ops.backup import table_digests
from app.roster.models import Member
from tests.conftest import build_app, fresh_database, is_postgres
from tests.factories import make_id_number, make_member, make_tree

OTHER_KEY = "b3RoZXIta2V5LW90aGVyLWtleS1vdGhlci1rZXktMzI="  # base64 of 32 other bytes


def _digests(app) -> dict:
    with app.app_context(), db.engine.connect() as conn:
        return table_digests(conn)


def _seeded(url: str):
    app = build_app(url)
    with app.app_context():
        tree = make_tree()
        for i in range(3):
            make_member(tree.group_a, name=f"备份{i}", id_number=make_id_number(seq=700 + i))
        db.session.commit()
        db.session.remove()
    return app


def _cli(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def _round_trip(src_url: str, dst_url: str, backup: Path) -> None:
    src = _seeded(src_url)
    r = _cli(src, "backup", str(backup))
    assert r.exit_code == 0, r.output
    assert "备份0".encode() not in backup.read_bytes()  # sealed: no name in the clear
    before = _digests(src)
    dst = build_app(dst_url)
    r = _cli(dst, "restore", "--yes", str(backup))
    assert r.exit_code == 0, r.output
    assert "every table checked" in r.output
    after = _digests(dst)
    assert after == before
    assert before["member"]["rows"] == 3 and before["audit_event"]["rows"] > 3
    with dst.app_context():
        names = db.session.scalars(select(Member.name).order_by(Member.name)).all()
        assert names == ["备份0", "备份1", "备份2"]
        # The keys kept beside the backup open its ID numbers.
        member = db.session.scalar(select(Member).where(Member.name == "备份1"))
        assert decrypt(member.id_number_enc) == make_id_number(seq=701)
        assert _cli(dst, "audit", "verify").exit_code == 0
        db.session.remove()
    for a in (src, dst):
        with a.app_context():
            db.engine.dispose()


def test_sqlite_backup_restores_every_row_into_a_fresh_database(tmp_path):
    _round_trip(
        f"sqlite:///{tmp_path / 'live.sqlite3'}",
        f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        tmp_path / "backup.tar",
    )


@pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL and its client tools")
def test_postgres_backup_restores_every_row_into_a_fresh_database(tmp_path, worker_id):
    with (
        fresh_database(f"bk_src_{worker_id}") as src,
        fresh_database(f"bk_dst_{worker_id}") as dst,
    ):
        _round_trip(src, dst, tmp_path / "backup.tar")


@pytest.fixture
def made(tmp_path):
    """A SQLite app with data, its backup, and an empty second database to restore into."""
    src = _seeded(f"sqlite:///{tmp_path / 'live.sqlite3'}")
    backup = tmp_path / "backup.tar"
    assert _cli(src, "backup", str(backup)).exit_code == 0
    return backup, f"sqlite:///{tmp_path / 'fresh.sqlite3'}"


def _refused(dst_url: str, backup: Path, **config) -> str:
    dst = build_app(dst_url, **config)
    r = _cli(dst, "restore", "--yes", str(backup))
    assert r.exit_code != 0
    with dst.app_context():
        assert db.session.scalar(select(func.count(Member.id))) == 0  # nothing restored
        db.session.remove()
        db.engine.dispose()
    return r.output


def test_a_truncated_backup_is_refused(made):
    backup, dst = made
    data = backup.read_bytes()
    backup.write_bytes(data[: len(data) // 2])
    assert "damaged" in _refused(dst, backup)


def test_an_altered_backup_is_refused(made):
    backup, dst = made
    with tarfile.open(backup) as tar:
        payload = next(m for m in tar.getmembers() if m.name != "manifest.json")
    data = bytearray(backup.read_bytes())
    data[payload.offset_data + payload.size // 2] ^= 0xFF
    backup.write_bytes(bytes(data))
    assert "checksum" in _refused(dst, backup)


def test_a_backup_under_other_keys_is_refused_with_the_reason(made):
    backup, dst = made
    out = _refused(dst, backup, FIELD_ENCRYPTION_KEY=OTHER_KEY, BLIND_INDEX_KEY=OTHER_KEY)
    assert "FIELD_ENCRYPTION_KEY" in out and "Nothing was restored" in out


def test_a_file_that_is_not_a_backup_is_refused(made, tmp_path):
    _, dst = made
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"not a tar file at all" * 100)
    assert "damaged" in _refused(dst, junk)


def test_sqlite_backup_while_the_app_writes_is_consistent(tmp_path):
    """The online backup API copies a consistent state while another connection commits."""
    src = _seeded(f"sqlite:///{tmp_path / 'live.sqlite3'}")
    stop = threading.Event()
    written: list[int] = []

    def keep_writing() -> None:
        with src.app_context():
            while not stop.is_set():
                audit.record(None, "org.rename", None, old="甲", new=f"乙{len(written)}")
                db.session.commit()
                written.append(1)
            db.session.remove()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        while len(written) < 5:
            time.sleep(0.01)
        backup = tmp_path / "backup.tar"
        r = _cli(src, "backup", str(backup))
    finally:
        stop.set()
        writer.join(timeout=30)
    assert r.exit_code == 0, r.output
    dst = build_app(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    r = _cli(dst, "restore", "--yes", str(backup))
    assert r.exit_code == 0, r.output
    with dst.app_context():
        assert _cli(dst, "audit", "verify").exit_code == 0  # no torn chain in the copy
        assert db.session.scalar(select(func.count(Member.id))) == 3
        db.session.remove()
    for a in (src, dst):
        with a.app_context():
            db.engine.dispose()

"""An upload waiting for its confirmation is sealed on disk, and removed when it is old, when
confirmed and when cancelled."""

from __future__ import annotations

import io
import os
import time
import zipfile

from app.auth.models import Role
from tests.factories import make_id_number, make_user, make_xlsx

HEADER = ["姓名", "身份证号", "所在党支部", "所在党小组", "入党时间", "转正时间", "党员类别"]


def _upload(c, number: str):
    rows = [HEADER, ["待确认", number, "甲党支部", "", "", "", "正式党员"]]
    return c.post(
        "/roster/import",
        data={"file": (io.BytesIO(make_xlsx(rows)), "r.xlsx")},
        content_type="multipart/form-data",
    )


def _files(folder) -> list:
    return sorted(p for p in folder.iterdir()) if folder.exists() else []


def test_a_preview_leaves_no_readable_id_number_on_disk(tree, login_as, app, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    number = make_id_number(seq=601)
    c = login_as(make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a)))
    assert _upload(c, number).status_code == 200
    staged = _files(tmp_path / "imports")  # the upload, the plan its check made, its row count
    assert len(staged) == 3
    for path in staged:
        assert not zipfile.is_zipfile(path) and number.encode() not in path.read_bytes()
    assert c.post("/roster/import/cancel").status_code == 302
    assert _files(tmp_path / "imports") == []


def test_old_previews_are_removed_by_the_next_upload(tree, login_as, app, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    folder = tmp_path / "imports"
    folder.mkdir()
    stale = folder / "0123abcd.xlsx"  # a plaintext leftover of an older version
    stale.write_bytes(b"PK\x03\x04")
    old = time.time() - 2 * 3600
    os.utime(stale, (old, old))
    c = login_as(make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a)))
    assert _upload(c, make_id_number(seq=602)).status_code == 200
    assert not stale.exists() and len(_files(folder)) == 3  # the upload, its plan and count
    assert c.post("/roster/import/commit").status_code == 302
    assert _files(folder) == []


def test_a_file_checked_in_the_request_is_written_without_counting_it_again(
    tree, login_as, app, tmp_path, monkeypatch
):
    """The check noted the file's rows on the server: the confirmation writes it in the
    request without reading the file's XML again."""
    from app.roster import staging

    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    c = login_as(make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a)))
    assert _upload(c, make_id_number(seq=603)).status_code == 200

    def counted(*args):
        raise AssertionError("counted again")

    monkeypatch.setattr(staging, "count_rows", counted)
    response = c.post("/roster/import/commit")
    assert response.status_code == 302 and response.headers["Location"].endswith("/roster/import")
    assert _files(tmp_path / "imports") == []


def test_without_the_noted_count_the_file_is_counted_again(
    tree, login_as, app, tmp_path, monkeypatch
):
    """A staged file whose count is missing (staged by an older release) is counted: here,
    over the limit a request may write, it goes to a background job. The session's cookie
    holds no count a user could change."""
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    c = login_as(make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a)))
    assert _upload(c, make_id_number(seq=604)).status_code == 200
    with c.session_transaction() as session:
        assert set(session["roster_import"]) == {"token", "filename"}
    (noted,) = [p for p in _files(tmp_path / "imports") if p.stem.endswith("rows")]
    noted.unlink()
    monkeypatch.setitem(app.config, "IMPORT_SYNC_MAX_ROWS", 1)
    response = c.post("/roster/import/commit")
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]

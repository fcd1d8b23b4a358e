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
    staged = _files(tmp_path / "imports")  # the upload, and the plan its check made
    assert len(staged) == 2
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
    assert not stale.exists() and len(_files(folder)) == 2  # the upload and its plan
    assert c.post("/roster/import/commit").status_code == 302
    assert _files(folder) == []

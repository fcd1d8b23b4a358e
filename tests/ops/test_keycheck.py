"""Started with keys other than the database's: a clear message at start, never a 500."""

from __future__ import annotations

import click
import pytest
from sqlalchemy import select

from app.extensions import db
from app.ops import keycheck
from app.ops.keycheck import KeyMismatch, check_keys, check_keys_at_start
from app.ops.models import KeyCanary
from tests.conftest import build_app
from tests.factories import make_member, make_tree

OTHER_KEY = "b3RoZXIta2V5LW90aGVyLWtleS1vdGhlci1rZXktMzI="


@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'keys.sqlite3'}"


def _first_start(url: str) -> int:
    app = build_app(url)
    with app.app_context():
        check_keys()  # writes the canary under these keys
        member_id = make_member(make_tree().group_a).id
        assert db.session.scalar(select(KeyCanary.id)) is not None
        db.session.remove()
        return member_id


def test_the_same_keys_pass_the_check(url):
    _first_start(url)
    app = build_app(url)
    check_keys_at_start(app)  # no error
    with app.app_context():
        assert len(db.session.scalars(select(KeyCanary)).all()) == 1


def test_a_server_with_other_keys_refuses_to_start_saying_why(url):
    _first_start(url)
    app = build_app(url, FIELD_ENCRYPTION_KEY=OTHER_KEY)
    with pytest.raises(KeyMismatch, match="FIELD_ENCRYPTION_KEY"):
        check_keys_at_start(app)


def test_the_flask_command_warns_and_pages_answer_503_not_500(url, capsys):
    member_id = _first_start(url)
    app = build_app(url, FIELD_ENCRYPTION_KEY=OTHER_KEY, BLIND_INDEX_KEY=OTHER_KEY)
    with click.Context(click.Command("run")):
        check_keys_at_start(app)
    assert "FIELD_ENCRYPTION_KEY" in capsys.readouterr().err
    r = app.test_client().get(f"/roster/{member_id}")
    assert r.status_code == 503
    with app.test_request_context():
        assert str(keycheck._PAGE_MESSAGE) in r.get_data(as_text=True)

"""The request's catalogue is looked up once, and still follows force_locale."""

from __future__ import annotations

from flask_babel import force_locale, lazy_gettext


def test_translations_follow_force_locale_within_a_request(app):
    label = lazy_gettext("Organisation")
    with app.test_request_context("/"):
        assert str(label) == "组织"
        with force_locale("en"):
            assert str(label) == "Organisation"
        assert str(label) == "组织"

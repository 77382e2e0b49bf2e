"""A household exported from SQLite comes back whole in PostgreSQL, and back again."""

from __future__ import annotations

import pytest
import time_machine

from planner import create_app
from planner.export import export_household, restore_household
from planner.extensions import db
from tests.conftest import app_settings, own_database
from tests.export_helpers import MOMENT, full_demo, retire_emails, without_moment
from tests.helpers import committing


def _own_app(kind: str, tmp_path_factory):
    url, drop = own_database(kind, tmp_path_factory, f"export_{kind}")
    app = create_app(app_settings(url, tmp_path_factory.mktemp(f"export_{kind}_app")))
    with committing(app):
        db.create_all()
    return app, drop


@pytest.fixture(scope="module")
def two_databases(tmp_path_factory):
    """An SQLite app and a PostgreSQL app of their own (skipped without a server)."""
    postgres, drop_postgres = _own_app("postgresql", tmp_path_factory)
    sqlite, _ = _own_app("sqlite", tmp_path_factory)
    yield sqlite, postgres
    for app in (sqlite, postgres):
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()
    drop_postgres()


@pytest.mark.postgres_only
def test_sqlite_to_postgresql_and_back(two_databases):
    sqlite, postgres = two_databases
    with time_machine.travel(MOMENT, tick=True), committing(sqlite):
        original = full_demo().id
        first = export_household(original)
        retire_emails(original)
    with committing(postgres):
        in_postgres = restore_household(first).id
    with committing(postgres):
        second = export_household(in_postgres)
    assert without_moment(second) == without_moment(first)
    with committing(sqlite):
        back = restore_household(second).id
    with committing(sqlite):
        assert back != original
        third = export_household(back)
    assert without_moment(third) == without_moment(first)

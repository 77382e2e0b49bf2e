from sqlalchemy import select

from planner.extensions import db
from planner.models import Household, Member
from tests.helpers import committing


def test_demo_is_idempotent_and_prints_logins(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["planner", "demo"])
    assert first.exit_code == 0, first.output
    assert "alex@example.com" in first.output and "sam@example.com" in first.output
    second = runner.invoke(args=["planner", "demo"])
    assert second.exit_code == 0
    with committing(app):
        assert len(db.session.scalars(select(Household)).all()) == 1
        assert len(db.session.scalars(select(Member)).all()) == 2

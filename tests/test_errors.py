import pytest

from planner import create_app
from planner.extensions import db
from planner.models import Household
from tests.conftest import app_settings
from tests.helpers import BrowserClient, body, committing


def test_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Not found" in body(response)


def test_500_rolls_back_and_is_friendly(app, database_url, tmp_path, make):
    made = make("Alex")
    failing = create_app(app_settings(database_url, tmp_path, PROPAGATE_EXCEPTIONS=False))

    @failing.get("/_test/boom")
    def boom():  # fails half-way through a write
        household = db.session.get(Household, made.household_id)
        household.name = "half-written"
        db.session.flush()
        raise RuntimeError("boom")

    response = failing.test_client().get("/_test/boom")
    assert response.status_code == 500
    assert "Nothing was saved" in body(response)
    with committing(app):
        assert db.session.get(Household, made.household_id).name != "half-written"


def test_a_row_removed_while_it_was_being_saved_is_a_409_not_a_500(
    app, database_url, tmp_path, make
):
    """A partner deletes what a member is saving, at that very moment (on PostgreSQL, where
    the two writes can interleave): the member is told it changed, and nothing is saved."""
    import time_machine
    from sqlalchemy import event, text

    from tests.handover_helpers import WEDNESDAY_MORNING, agreed_week
    from tests.helpers import login

    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite takes one writer at a time: the delete cannot come in between")
    made = make("Alex", "Sam")
    page_app = create_app(app_settings(database_url, tmp_path, PROPAGATE_EXCEPTIONS=False))
    page_app.test_client_class = BrowserClient
    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        _, _, days = agreed_week(app, made)
        client = page_app.test_client()
        login(client, made.emails[0])
        with page_app.app_context():
            engine = db.engine

        deleted = []

        def meanwhile(conn, cursor, statement, *args):
            if statement.startswith("UPDATE plan_occurrence") and not deleted:
                deleted.append(True)
                with engine.connect() as other:
                    other.execute(text(f"DELETE FROM plan_occurrence WHERE id = {days['Fri']}"))
                    other.commit()

        event.listen(engine, "before_cursor_execute", meanwhile)
        try:
            response = client.post(f"/week/occurrences/{days['Fri']}/done")
        finally:
            event.remove(engine, "before_cursor_execute", meanwhile)
    assert deleted and response.status_code == 409
    assert "changed while you were saving" in body(response)

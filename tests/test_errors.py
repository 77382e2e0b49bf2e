from planner import create_app
from planner.extensions import db
from planner.models import Household
from tests.conftest import app_settings
from tests.helpers import body, committing


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

"""One request, one transaction: a change and the email it causes are saved together or
not at all; a refused or failed request saves nothing; only boundaries commit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from planner.extensions import db
from planner.models import (
    LoginThrottle,
    PlanChange,
    PlanItem,
    PlanOccurrence,
    Reminder,
    WeekPlan,
)
from planner.reminders import emails
from tests.helpers import body, committing, login
from tests.test_session_helpers import plan_for, plan_state


def _agree_base(app, planned) -> str:
    from planner.session import services

    with committing(app):
        plan = services.load_plan(db.session.get(WeekPlan, planned.plan_id))
        return services.plan_fingerprint(plan)


def _rows(app, kind: str) -> int:
    with committing(app):
        return db.session.scalar(select(func.count(Reminder.id)).where(Reminder.kind == kind))


@pytest.fixture
def server_errors_as_pages(app):
    """Let a failing request answer with the 500 page, as it does in production."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    yield
    app.config["PROPAGATE_EXCEPTIONS"] = None


def _break(monkeypatch, name: str) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError(f"{name} could not be written")

    monkeypatch.setattr(emails, name, broken)


def _agree_both(app, client, planned, password):
    sam = planned.member_ids[1]
    url = f"/session/{planned.plan_id}/agree"
    base = _agree_base(app, planned)
    assert client.post(url, data={"base": base}).status_code == 302
    return client.post(url, data={"for": sam, f"p{sam}-base": base, f"p{sam}-password": password})


def test_agreement_fails_cleanly_when_its_summary_email_cannot_be_queued(
    app, client, make, password, monkeypatch, server_errors_as_pages
):
    planned = plan_for(app, make("Alex", "Sam"))
    login(client, planned.emails[0])
    _break(monkeypatch, "plan_summary_payload")
    response = _agree_both(app, client, planned, password)
    assert response.status_code == 500
    assert "Nothing was saved" in body(response)
    state = plan_state(app, planned)
    assert state["status"] == "draft"
    assert planned.member_ids[1] not in state["checkins"]  # Sam's agreement was not kept
    assert _rows(app, "plan_summary") == 0


def test_agreement_and_its_summary_email_are_saved_together(app, client, make, password):
    planned = plan_for(app, make("Alex", "Sam"))
    login(client, planned.emails[0])
    assert _agree_both(app, client, planned, password).status_code == 302
    assert plan_state(app, planned)["status"] == "agreed"
    assert _rows(app, "plan_summary") == 2  # one for each member


def _last_day(app, planned) -> int:
    """The plan agreed; the id of its last day of Dishes (never a day that has passed)."""
    with committing(app):
        db.session.get(WeekPlan, planned.plan_id).status = "agreed"
        return db.session.get(PlanItem, planned.item_ids["Dishes"]).occurrences[-1].id


def _ask(client, day_id, planned):
    sam = planned.member_ids[1]
    return client.post(f"/week/occurrences/{day_id}/ask", data={"to_member_id": sam, "days": "one"})


def test_handover_request_fails_cleanly_when_its_email_cannot_be_queued(
    app, client, make, monkeypatch, server_errors_as_pages
):
    planned = plan_for(app, make("Alex", "Sam"))
    day_id = _last_day(app, planned)
    login(client, planned.emails[0])
    _break(monkeypatch, "notice_payload")
    response = _ask(client, day_id, planned)
    assert response.status_code == 500
    with committing(app):
        assert db.session.get(PlanOccurrence, day_id).asked_to_id is None
        assert db.session.scalar(select(func.count(PlanChange.id))) == 0
    assert _rows(app, "handover") == 0


def test_handover_request_and_its_email_are_saved_together(app, client, make):
    planned = plan_for(app, make("Alex", "Sam"))
    day_id = _last_day(app, planned)
    login(client, planned.emails[0])
    assert _ask(client, day_id, planned).status_code == 302
    with committing(app):
        assert db.session.get(PlanOccurrence, day_id).asked_to_id == planned.member_ids[1]
    assert _rows(app, "handover") == 1


def test_a_failed_sign_in_counts_although_its_request_rolls_back(app, client, make):
    made = make("Alex")
    response = login(client, made.emails[0], "not the password")
    assert response.status_code == 422
    with committing(app):
        row = db.session.get(LoginThrottle, f"email:{made.emails[0]}")
        assert row is not None and row.failures == 1


# Where a transaction may end: the request boundary, jobs (per household, per message, per
# calendar) and CLI commands. Services, signal receivers and helpers only flush.
BOUNDARIES = {
    "planner/unit_of_work.py",
    "planner/cli.py",
    "planner/reminders/sender.py",
    "planner/reminders/push_sender.py",
    "planner/reminders/outbox.py",
    "planner/reminders/retention.py",
    "planner/imports/job.py",
    "planner/api/tokens.py",  # a token's request count, kept whatever becomes of the request
}


def test_only_boundaries_commit():
    root = Path(__file__).resolve().parent.parent
    committing_files = {
        str(path.relative_to(root))
        for path in (root / "planner").rglob("*.py")
        if re.search(r"\.commit\(\)", path.read_text())
    }
    assert committing_files <= BOUNDARIES

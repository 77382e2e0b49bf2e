"""Insights: SVG pictures of past weeks and gentle signals, never a scoreboard."""

from __future__ import annotations

from datetime import timedelta

from planner.demo_history import add_demo_history
from planner.extensions import db
from planner.insights import services
from planner.models import CheckIn, Household, WeekPlan
from planner.week import services as week_services
from tests.helpers import body, committing, login
from tests.test_session_helpers import add_responsibilities


def _past_weeks(app, made, states):
    """One agreed plan per entry of states (oldest first), ending last week."""
    with committing(app):
        household = db.session.get(Household, made.household_id)
        add_responsibilities(household)
        this_week = week_services.week_start_for_household(household)
        for k, (alex, sam, fair) in enumerate(states):
            start = this_week - timedelta(weeks=len(states) - k)
            plan = week_services.get_or_create_week_plan(household, start)
            for member_id, state in zip(made.member_ids, (alex, sam), strict=True):
                db.session.add(
                    CheckIn(
                        household_id=household.id,
                        week_plan_id=plan.id,
                        member_id=member_id,
                        state=state,
                        capacity={"okay": 100, "in_the_reeds": 60, "blown": 25}[state],
                        fairness=fair,
                    )
                )
            plan.status = "agreed"
        db.session.commit()


def test_insights_page_empty(client, make):
    made = make("Alex", "Sam")
    login(client, made.emails[0])
    response = client.get("/insights")
    assert response.status_code == 200
    text = body(response)
    assert "Pictures appear here after your first weekly sessions" in text
    assert text.count("<svg") >= 3


def test_insights_charts_and_blown_signal(app, client, make):
    made = make("Alex", "Sam")
    _past_weeks(
        app,
        made,
        [
            ("okay", "okay", 4),
            ("okay", "in_the_reeds", 3),
            ("okay", "blown", 2),
            ("okay", "blown", 2),
        ],
    )
    login(client, made.emails[0])
    text = body(client.get("/insights"))
    assert "Sam has been blown two weeks running — consider a kindness plan." in text
    assert "Sam felt the last two weeks weren't fair" in text
    assert 'role="img"' in text and "<title>Alex's load per week." in text
    assert "Check-in states per week." in text and "Sam: " in text
    assert "Did the week feel fair" in text
    # Gentle, never a scoreboard.
    for word in ("leader", "score:", "owes", "debt", "winner"):
        assert word not in text.lower()


def test_loads_per_week_count_doing_and_mental(app, make):
    made = make("Alex", "Sam")
    _past_weeks(app, made, [("okay", "okay", 4)])
    with committing(app):
        household = db.session.get(Household, made.household_id)
        found = services.insights(household)
        plan = db.session.scalars(db.select(WeekPlan)).one()
        expected = week_services.member_loads(plan)
        last_week = found.by_member[made.member_ids[0]][-2]
        assert (last_week.doing, last_week.mental) == (
            expected[made.member_ids[0]]["doing"],
            expected[made.member_ids[0]]["mental"],
        )
        assert last_week.state == "okay" and last_week.can_carry == 1200


def test_insights_query_count_does_not_grow_with_history(app, make):
    from sqlalchemy import event

    short, long = make("Alex", "Sam"), make("Kim", "Lee")
    _past_weeks(app, short, [("okay", "okay", 4)])
    _past_weeks(app, long, [("okay", "blown", 3)] * 12)

    def count(made) -> int:
        seen = []
        with committing(app):
            household = db.session.get(Household, made.household_id)
            _ = list(household.members)
            listener = lambda *a, **k: seen.append(a[2])  # noqa: E731
            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                services.insights(household)
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    assert count(short) == count(long)


def test_demo_history_is_idempotent_and_needs_an_inventory(app, make):
    made = make("Alex", "Sam")
    with committing(app):
        household = db.session.get(Household, made.household_id)
        add_demo_history(household)
        assert db.session.scalar(db.select(db.func.count()).select_from(WeekPlan)) == 0
        add_responsibilities(household)
        add_demo_history(household)
        plans = db.session.scalars(db.select(WeekPlan)).all()
        assert len(plans) == 16 and all(p.status == "agreed" for p in plans)
        versions = {p.id: p.version for p in plans}
        add_demo_history(household)
        db.session.expire_all()
        assert {p.id: p.version for p in db.session.scalars(db.select(WeekPlan))} == versions
        found = services.insights(household)
        assert any("blown two weeks running" in s for s in found.signals)

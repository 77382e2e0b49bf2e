"""Live together: the version poll and optimistic concurrency between two phones."""

from __future__ import annotations

from datetime import time

from planner.extensions import db
from planner.models import Household, WeekPlan
from planner.session import services
from tests.helpers import body, committing, login
from tests.test_session_helpers import plan_for, plan_state


def _version(app, planned) -> int:
    return plan_state(app, planned)["version"]


def test_version_poll_is_204_when_unchanged_and_signals_a_change(app, client, make):
    planned = plan_for(app, make("Alex", "Sam"))
    login(client, planned.emails[0])
    v = _version(app, planned)
    url = f"/session/{planned.plan_id}/version"
    same = client.get(f"{url}?v={v}")
    assert same.status_code == 204 and same.data == b""
    assert "HX-Trigger" not in same.headers

    partner = app.test_client()
    login(partner, planned.emails[1])
    partner.post(f"/session/{planned.plan_id}/checkin", data={"state": "blown"})
    changed = client.get(f"{url}?v={v}")
    assert changed.status_code == 200
    assert changed.headers["HX-Trigger"] == "plan-changed"
    assert f"v={_version(app, planned)}" in body(changed)  # the poll continues from here
    assert client.get(f"{url}?v={_version(app, planned)}").status_code == 204


def test_version_poll_is_one_query(app, client, make):
    from sqlalchemy import event

    planned = plan_for(app, make("Alex", "Sam"))
    login(client, planned.emails[0])
    seen = []
    with committing(app):
        engine = db.engine
    listener = lambda *args, **kw: seen.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get(f"/session/{planned.plan_id}/version?v=0").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len([s for s in seen if s.lstrip().upper().startswith("SELECT")]) == 1


def test_partner_change_reaches_the_live_regions(app, client, make):
    planned = plan_for(app, make("Alex", "Sam"))
    login(client, planned.emails[0])
    partner = app.test_client()
    login(partner, planned.emails[1])
    partner.post(f"/session/{planned.plan_id}/checkin", data={"state": "in_the_reeds"})
    # A region re-fetches its page and keeps only itself (hx-select); the summary shows Sam.
    text = body(client.get(f"/session/{planned.plan_id}/checkin", headers={"HX-Request": "true"}))
    region = text[
        text.index('id="live-checkins"') : text.index(
            "</section>", text.index('id="live-checkins"')
        )
    ]
    assert "Sam" in region and "in the reeds" in region
    # The member's own form sits outside every live region.
    assert text.index('name="what_would_help"') > text.index(
        "</section>", text.index('id="live-checkins"')
    )


def test_stale_checkin_save_is_refused_with_the_current_value(app, client, make):
    planned = plan_for(app, make("Alex", "Sam"))
    login(client, planned.emails[0])
    url = f"/session/{planned.plan_id}/checkin"
    stale_base = services.checkin_fingerprint(None)
    # The same member saved on another screen meanwhile.
    other_screen = app.test_client()
    login(other_screen, planned.emails[0])
    other_screen.post(url, data={"state": "blown", "what_would_help": "sleep"})
    response = client.post(url, data={"state": "okay", "base": stale_base})
    assert response.status_code == 409
    text = body(response)
    assert "changed on another screen" in text
    assert "blown, capacity 25" in text
    alex = planned.member_ids[0]
    assert plan_state(app, planned)["checkins"][alex][0] == "blown"
    # The refused form was re-based: saving again on purpose replaces it.
    new_base = text.split('name="base" type="hidden" value="')[1].split('"')[0]
    assert client.post(url, data={"state": "okay", "base": new_base}).status_code == 302
    assert plan_state(app, planned)["checkins"][alex][0] == "okay"


def test_saves_to_different_things_merge(app, client, make):
    planned = plan_for(app, make("Alex", "Sam"))
    alex, sam = planned.member_ids
    login(client, planned.emails[0])
    partner = app.test_client()
    login(partner, planned.emails[1])
    url = f"/session/{planned.plan_id}/checkin"
    alex_base = body(client.get(url)).split('name="base" type="hidden" value="')[1].split('"')[0]
    # Sam saves first: the plan version moves on, but Alex's check-in is untouched.
    assert partner.post(url, data={"state": "blown"}).status_code == 302
    assert client.post(url, data={"state": "okay", "base": alex_base}).status_code == 302
    checkins = plan_state(app, planned)["checkins"]
    assert checkins[alex][0] == "okay" and checkins[sam][0] == "blown"


def test_stale_owner_change_is_refused(app, client, make):
    planned = plan_for(app, make("Alex", "Sam", "Kim"))
    alex, sam, kim = planned.member_ids
    dishes = planned.item_ids["Dishes"]
    login(client, planned.emails[0])
    partner = app.test_client()
    login(partner, planned.emails[1])
    url = f"/session/{planned.plan_id}/rebalance/owner"
    assert (
        partner.post(url, data={"item_id": dishes, "owner_id": sam, "base": alex}).status_code
        == 302
    )
    response = client.post(url, data={"item_id": dishes, "owner_id": kim, "base": alex})
    assert response.status_code == 409
    assert "changed owner while you were choosing" in body(response)
    assert "Now: <strong>Sam</strong>" in body(response)
    assert plan_state(app, planned)["owners"]["Dishes"] == sam


def test_writes_bump_the_plan_and_household_versions(app, client, make):
    planned = plan_for(app, make("Alex", "Sam"))

    def versions():
        with committing(app):
            plan = db.session.get(WeekPlan, planned.plan_id)
            return plan.version, db.session.get(Household, plan.household_id).version

    before = versions()
    login(client, planned.emails[0])
    client.post(f"/session/{planned.plan_id}/appreciate", data={"appreciation": "Thanks"})
    assert versions() == (before[0] + 1, before[1] + 1)


def test_a_selfcare_change_reaches_open_session_pages(app, make):
    from planner.selfcare.services import add_slot

    planned = plan_for(app, make("Alex", "Sam"))
    before = _version(app, planned)
    with committing(app):
        sam = db.session.get(Household, planned.household_id).members[1]
        add_slot(sam, "Pottery", 5, time(9), 120)
    assert _version(app, planned) == before + 1


def test_each_page_refreshes_once_per_change_and_polls_every_second(app, client, make):
    from planner.session.steps import STEPS

    planned = plan_for(app, make("Alex", "Sam"))
    login(client, planned.emails[0])
    base = f"/session/{planned.plan_id}"
    for path in [base] + [f"{base}/{s.key.replace('_', '-')}" for s in STEPS]:
        text = body(client.get(path))
        # One region listens and brings the steps list along: one request per change.
        assert text.count('hx-trigger="plan-changed from:body"') == 1, path
        assert 'hx-select-oob="#live-steps"' in text and 'id="live-steps"' in text, path
        assert text.count('id="live-poll"') == 1 and 'hx-trigger="every 1s"' in text, path

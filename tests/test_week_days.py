"""The week one day at a time: the open day with everything to do about it, the other days
a line each, the whole week at a glance (read only), and a day's own small pages to skip it
or ask for a hand with it. Alex cooks every day of an agreed week, Sam has the bins on
Thursday; it is Wednesday 25 November 2026 (tests.handover_helpers)."""

from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine
from sqlalchemy import func, select

from planner.domain.vocabulary import OccurrenceState, PlanState
from planner.extensions import db
from planner.models import Household, PlanItem, PlanOccurrence, Reminder, WeekPlan
from planner.week import services
from tests.handover_helpers import WEDNESDAY_MORNING, agreed_week
from tests.helpers import body, committing, login, queries_of

HTMX = {"HX-Request": "true"}

HANDOVER = Reminder.kind == "handover"  # scheduled reminders come with every household


@pytest.fixture
def week(app, make):
    made = make("Alex", "Sam")
    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        yield made, *agreed_week(app, made)


def _entries(page: str) -> list[int]:
    """The occurrences the page shows as entries (with their actions)."""
    return [int(i) for i in re.findall(r'<li class="wk-entry[^"]*" id="occ-(\d+)"', page)]


def _open_days(page: str) -> list[str]:
    return re.findall(r'<li id="day-([\d-]+)" class="wk-day open', page)


# --- one day open ---------------------------------------------------------------------


def test_by_day_opens_today_and_the_other_days_are_a_line_each(app, client, week):
    made, _plan_id, _cooking, days = week
    login(client, made.emails[0])
    page = body(client.get("/week"))
    assert _open_days(page) == ["2026-11-25"]
    assert _entries(page) == [days["Wed"]]  # no other day's entries, nor their forms
    # Wednesday's only: done, and the links (href and hx-get) to ask and to skip.
    assert page.count("/week/occurrences/") == 5
    for other in ("2026-11-23", "2026-11-24", "2026-11-26", "2026-11-29"):
        line = page.split(f'id="day-{other}"')[1].split("</li>")[0]
        assert f'href="/week/2026-11-23?day={other}#day-{other}"' in line
    thursday = page.split('id="day-2026-11-26"')[1].split("</li>")[0]
    assert "Thu" in thursday and "1 yours · 1 theirs" in thursday
    assert "past" in page.split('id="day-2026-11-24"')[1][:80]


def test_the_day_asked_for_is_the_only_one_open(app, client, week):
    made, _plan_id, _cooking, days = week
    login(client, made.emails[1])  # Sam: the bins are Sam's, the cooking Alex's
    page = body(client.get("/week?day=2026-11-26"))
    assert _open_days(page) == ["2026-11-26"]
    bins = _bins_on_thursday(app, made)
    assert sorted(_entries(page)) == sorted([days["Thu"], bins])
    today = page.split('id="day-2026-11-25"')[1].split("</li>")[0]
    assert "wk-day-line today" in page and 'class="badge wk-today-badge">today' in today
    # The same for a week named by any of its days, and for just mine.
    assert _open_days(body(client.get("/week/2026-11-23?day=2026-11-29"))) == ["2026-11-29"]
    mine = body(client.get("/week?mine=1&day=2026-11-26"))
    assert _open_days(mine) == ["2026-11-26"] and _entries(mine) == [bins]
    assert "theirs" not in mine.split('class="wk-short"')[1].split("</ol>")[0]
    friday = mine.split('id="day-2026-11-27"')[1].split("</li>")[0]
    assert 'href="/week/2026-11-23?day=2026-11-27&mine=1#day-2026-11-27"' in friday


def test_a_week_without_today_opens_on_its_first_day(app, client, week):
    made, _plan_id, _cooking, _days = week
    with committing(app):
        household = db.session.get(Household, made.household_id)
        services.get_or_create_week_plan(household, date(2026, 11, 30))
    login(client, made.emails[0])
    page = body(client.get("/week/2026-11-30"))
    assert _open_days(page) == ["2026-11-30"]
    with committing(app):
        first = db.session.scalars(
            select(PlanOccurrence.id).where(PlanOccurrence.on_date == date(2026, 11, 30))
        ).all()
    assert _entries(page) == first


@pytest.mark.parametrize(
    "asked",
    ["nonsense", "2026-12-25", "2026-11-22", "2026-02-30", "", "9" * 400, "2026-11-26T10:00"],
)
def test_a_day_not_in_the_week_falls_back_to_today(app, client, week, asked):
    made, _plan_id, _cooking, days = week
    login(client, made.emails[0])
    response = client.get("/week", query_string={"day": asked})
    assert response.status_code == 200
    page = body(response)
    assert _open_days(page) == ["2026-11-25"] and _entries(page) == [days["Wed"]]


def test_everything_is_the_whole_week_at_a_glance_read_only(app, client, week):
    made, _plan_id, _cooking, _days = week
    login(client, made.emails[0])
    page = body(client.get("/week?all=1"))
    grid = page.split('class="wk-grid wk-glance"')[1].split("</ol>")[0]
    assert grid.count("Cooking dinner") == 7 and grid.count("Bins out") == 1
    assert "<form" not in grid and "occ-" not in grid and "/week/occurrences/" not in grid
    for n in range(23, 30):
        assert f'href="/week/2026-11-23?day=2026-11-{n}#day-2026-11-{n}"' in grid
    thursday = grid.split('id="day-2026-11-26"')[1].split('id="day-2026-11-27"')[0]
    assert thursday.index("Yours") < thursday.index("Cooking") < thursday.index("Sam")
    assert thursday.index("Sam") < thursday.index("Bins out")


def test_a_done_day_is_marked_in_every_view(app, client, week):
    made, _plan_id, _cooking, days = week
    login(client, made.emails[0])
    done = client.post(f"/week/occurrences/{days['Tue']}/done", data={"mine": "1"})
    assert done.location.endswith(f"/week/2026-11-23?mine=1&day=2026-11-24#occ-{days['Tue']}")
    tuesday = body(client.get(done.location))
    assert _entries(tuesday) == [days["Tue"]] and "Undo" in tuesday
    glance = body(client.get("/week?all=1")).split('id="day-2026-11-24"')[1].split("</ul>")[0]
    assert '<li class="done">Cooking dinner <em>done</em></li>' in glance


# --- a day's own pages: skip ------------------------------------------------------------


def test_skip_has_a_page_of_its_own_and_htmx_loads_its_form_in_place(app, client, week):
    made, _plan_id, _cooking, days = week
    wed = days["Wed"]
    login(client, made.emails[0])
    week_page = body(client.get("/week"))
    link = f'href="/week/occurrences/{wed}/skip" hx-get="/week/occurrences/{wed}/skip"'
    assert link in week_page and "skip-reason" not in week_page  # no form until asked
    page = client.get(f"/week/occurrences/{wed}/skip")
    assert page.status_code == 200
    text = body(page)
    assert "<html" in text and "Skip Cooking dinner?" in text and "Wednesday 25 November" in text
    assert f'action="/week/occurrences/{wed}/skip"' in text
    assert f'name="skip-{wed}-reason"' in text and 'name="csrf_token"' in text
    assert f'href="/week/2026-11-23?day=2026-11-25#occ-{wed}"' in text  # "Not now"
    inline = client.get(f"/week/occurrences/{wed}/skip", headers=HTMX)
    fragment = body(inline)
    assert inline.status_code == 200 and "HX-Request" in inline.headers["Vary"]
    assert fragment.lstrip().startswith('<section class="wk-inline-form"')
    assert "<html" not in fragment and f'name="skip-{wed}-reason"' in fragment


def test_a_refused_skip_comes_back_with_the_message_and_the_words_kept(app, client, week):
    made, _plan_id, _cooking, days = week
    wed = days["Wed"]
    login(client, made.emails[0])
    url = f"/week/occurrences/{wed}/skip"
    empty = client.post(url, data={f"skip-{wed}-reason": "  ", "mine": "1"})
    assert empty.status_code == 422
    page = body(empty)
    assert "Skip Cooking dinner?" in page and "Say briefly why" in page
    assert 'name="mine" value="1"' in page  # where to return is kept too
    words = "We ate at Grandma's " * 16  # over 300 characters
    long = client.post(url, data={f"skip-{wed}-reason": words})
    assert long.status_code == 422 and "Up to 300 characters." in body(long)
    assert f'value="{words.strip()}"' in body(long)
    with committing(app):
        assert db.session.get(PlanOccurrence, wed).state == OccurrenceState.OPEN
    ok = client.post(url, data={f"skip-{wed}-reason": "We ate out", "mine": "1"})
    assert ok.status_code == 302
    assert ok.location.endswith(f"/week/2026-11-23?mine=1&day=2026-11-25#occ-{wed}")
    again = client.post(url, data={f"skip-{wed}-reason": "We ate out"})  # a double submit
    assert again.status_code == 302
    with committing(app):
        o = db.session.get(PlanOccurrence, wed)
        assert (o.state, o.skip_reason) == (OccurrenceState.SKIPPED, "We ate out")
    # Skipped now: the page says so instead of offering the form again.
    after = body(client.get(url))
    assert "Cooking dinner on Wednesday is already skipped." in after
    assert "<form" not in after.split('id="skip-')[1]


def test_only_whoever_does_it_is_offered_to_skip_it(app, client, week):
    made, _plan_id, _cooking, days = week
    login(client, made.emails[1])  # Sam: the cooking is Alex's
    page = body(client.get("/week"))
    assert f"/week/occurrences/{days['Wed']}/skip" not in page
    theirs = body(client.get(f"/week/occurrences/{days['Wed']}/skip"))
    assert "Only whoever does Cooking dinner on Wednesday can skip it." in theirs
    assert f'action="/week/occurrences/{days["Wed"]}/skip"' not in theirs
    # Posted anyway (an old page, a hand-made request): refused, and nothing changes.
    posted = client.post(
        f"/week/occurrences/{days['Wed']}/skip", data={f"skip-{days['Wed']}-reason": "Tired"}
    )
    assert posted.status_code == 422
    assert "Only whoever does Cooking dinner on Wednesday can skip it." in body(posted)
    with committing(app):
        assert db.session.get(PlanOccurrence, days["Wed"]).state == OccurrenceState.OPEN


# --- a day's own pages: ask ------------------------------------------------------------


def test_can_you_take_it_has_a_page_of_its_own(app, client, week):
    made, _plan_id, _cooking, days = week
    thu = days["Thu"]
    login(client, made.emails[0])
    week_page = body(client.get("/week?day=2026-11-26"))
    assert f'href="/week/occurrences/{thu}/ask" hx-get="/week/occurrences/{thu}/ask"' in week_page
    page = client.get(f"/week/occurrences/{thu}/ask")
    text = body(page)
    assert page.status_code == 200 and "Can you take it?" in text
    assert "Ask Sam to take Cooking dinner." in text and "Just Thursday" in text
    assert f'action="/week/occurrences/{thu}/ask"' in text
    assert f'name="to_member_id" value="{made.member_ids[1]}"' in text
    assert re.search(r'<input checked[^>]*value="one"', text)  # just this day, unless changed
    today = body(client.get(f"/week/occurrences/{days['Wed']}/ask?back=today", headers=HTMX))
    assert "Just today" in today and '<input type="hidden" name="back" value="today">' in today
    assert "<html" not in today


def test_a_refused_ask_comes_back_with_the_message_beside_its_field(app, client, week):
    made, _plan_id, cooking, days = week
    alex, sam = made.member_ids
    thu = days["Thu"]
    login(client, made.emails[0])
    url = f"/week/occurrences/{thu}/ask"
    words = "late meeting " * 30
    long = client.post(url, data={"to_member_id": str(sam), "days": "rest", "reason": words})
    assert long.status_code == 422
    page = body(long)
    field = page.split(f'id="ask-{thu}-reason"')[1].split("</div>")[0]
    assert "Up to 300 characters." in field and f'value="{words.strip()}"' in page
    assert re.search(r'<input checked[^>]*value="rest"', page)  # the choice is kept too
    nobody = client.post(url, data={"to_member_id": str(alex), "days": "one"})
    assert nobody.status_code == 422 and "Pick who you'd like to ask." in body(nobody)
    login(client, made.emails[1])  # Sam can't ask for a day that is Alex's
    not_theirs = client.post(url, data={"to_member_id": str(alex), "days": "one", "reason": "x"})
    assert not_theirs.status_code == 422
    text = body(not_theirs)
    assert text.count("Only whoever does Cooking dinner can ask someone to take it.") == 1
    assert f'action="{url}"' not in text  # no form to fill in again
    with committing(app):
        item = db.session.get(PlanItem, cooking)
        assert all(o.asked_to_id is None for o in item.occurrences)
        assert db.session.scalar(select(func.count(Reminder.id)).where(HANDOVER)) == 0


def test_an_ask_from_today_goes_back_to_today_once(app, client, week):
    made, _plan_id, _cooking, days = week
    sam = made.member_ids[1]
    login(client, made.emails[0])
    assert f"/week/occurrences/{days['Wed']}/ask?back=today" in body(client.get("/home"))
    assert "/skip" not in body(client.get("/home"))  # skipping is for the week page
    data = {"to_member_id": str(sam), "days": "one", "back": "today", "reason": "late"}
    first = client.post(f"/week/occurrences/{days['Wed']}/ask", data=data)
    second = client.post(f"/week/occurrences/{days['Wed']}/ask", data=data)
    assert first.status_code == second.status_code == 302
    assert first.location.endswith(f"/home#occ-{days['Wed']}")
    with committing(app):
        assert db.session.get(PlanOccurrence, days["Wed"]).asked_to_id == sam
        assert db.session.scalar(select(func.count(Reminder.id)).where(HANDOVER)) == 1


def test_the_ask_page_says_why_not_when_a_day_cant_change_hands(app, client, week):
    made, plan_id, _cooking, days = week
    login(client, made.emails[0])
    past = body(client.get(f"/week/occurrences/{days['Mon']}/ask"))
    assert "Cooking dinner on Monday has passed." in past and 'name="days"' not in past
    with committing(app):
        db.session.get(WeekPlan, plan_id).status = PlanState.DRAFT
    draft = body(client.get(f"/week/occurrences/{days['Thu']}/ask"))
    assert "Agree the week together first" in draft and 'name="days"' not in draft
    assert "/ask" not in body(client.get("/week"))  # nor offered on the week page


def test_another_households_day_pages_are_not_found(app, client, week, make):
    _made, _plan_id, _cooking, days = week
    other = make("Kim", "Lee")
    login(client, other.emails[0])
    for page in ("skip", "ask"):
        url = f"/week/occurrences/{days['Thu']}/{page}"
        assert client.get(url).status_code == 404
        assert client.get(url, headers=HTMX).status_code == 404
        assert client.post(url, data={"to_member_id": "1", "days": "one"}).status_code == 404


def test_the_day_pages_need_sign_in(client, week):
    _made, _plan_id, _cooking, days = week
    assert client.get(f"/week/occurrences/{days['Thu']}/skip").status_code == 302
    assert client.get(f"/week/occurrences/{days['Thu']}/ask").status_code == 302


def test_the_week_is_rendered_once_per_change_of_what_it_shows(app, client, week):
    made, _plan_id, _cooking, days = week
    login(client, made.emails[0])
    rendered = _queries(app, client, "/week")
    assert _queries(app, client, "/week", rendered=False) < rendered  # kept: no plan read
    sam = app.test_client()
    login(sam, made.emails[1])
    assert sam.post(f"/week/occurrences/{days['Wed']}/take").status_code == 302
    page = body(client.get("/week"))  # Alex's kept copy is out of date: rendered afresh
    assert "Sam took it off Alex's plate" in page
    # Each view and day is its own, and so is each sign-in's token in its forms.
    assert _open_days(body(client.get("/week?day=2026-11-27"))) == ["2026-11-27"]
    assert "Everything</strong>" in body(client.get("/week?all=1"))
    other = app.test_client()
    login(other, made.emails[0])
    tokens = {
        re.search(r'name="csrf_token" value="([^"]+)"', body(c.get("/week"))).group(1)
        for c in (client, other)
    }
    assert len(tokens) == 2


def test_the_week_page_reads_the_same_queries_whatever_the_days_hold(app, client, week):
    """Fifteen more things a day add no query: the open day is read in one go."""
    from tests.test_week import add_responsibility

    made, plan_id, _cooking, _days = week
    alex = made.member_ids[0]
    login(client, made.emails[0])
    counted = _queries(app, client, "/week")
    with committing(app):
        for n in range(15):
            add_responsibility(made.household_id, f"Daily thing {n:02}", default_owner_id=alex)
        plan = db.session.get(WeekPlan, plan_id)
        plan.status = PlanState.DRAFT
        services.refresh_draft(plan)
        plan.status = PlanState.AGREED
    assert len(_entries(body(client.get("/week")))) == 16
    assert _queries(app, client, "/week") == counted


def _queries(app, client, url: str, rendered: bool = True) -> int:
    """The queries of one GET of `url`; `rendered`: of rendering it, not of a kept copy."""
    if rendered:
        app.extensions["planner.week_cache"].clear()
    return queries_of(app, client, url)


def _bins_on_thursday(app, made) -> int:
    with committing(app):
        return db.session.scalar(
            select(PlanOccurrence.id)
            .join(PlanItem)
            .where(PlanItem.household_id == made.household_id, PlanItem.title == "Bins out")
        )

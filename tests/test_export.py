"""A household's export holds all of its data and nothing of anyone else's, and comes
back whole as a new household; a bad file is refused with its place named, writing nothing."""

from __future__ import annotations

import copy
import json

import pytest
import time_machine
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from planner.domain.refusal import Refused
from planner.export import export_household, read_document, restore_household, write_document
from planner.export.files import MOST_BYTES
from planner.export.schema import LEFT_OUT, SECTIONS
from planner.extensions import db
from planner.models import (
    Area,
    CalendarImport,
    Member,
    Responsibility,
    SelfCareSlot,
    responsibility_allowed_member,
)
from tests.export_helpers import MOMENT, full_demo, retire_emails, row_counts, without_moment
from tests.helpers import PASSWORD, committing


@pytest.fixture
def demo_document(app) -> dict:
    with time_machine.travel(MOMENT, tick=True), committing(app):
        household = full_demo()
        document = export_household(household.id)
        retire_emails(household.id)
    return document


def _count(model, household_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(model).where(model.household_id == household_id)
    )


def test_round_trip_gives_the_same_document_and_the_same_rows(app, demo_document):
    assert all(demo_document[s.key] for s in SECTIONS), "every section has a record"
    with committing(app):
        original = db.session.scalar(select(Member.household_id))
        restored = restore_household(copy.deepcopy(demo_document))
    with committing(app):
        assert restored.id != original
        again = export_household(restored.id)
        assert without_moment(again) == without_moment(demo_document)
        for section in SECTIONS:
            if hasattr(section.model, "household_id"):
                assert _count(section.model, restored.id) == _count(section.model, original)
        allowed = db.session.scalar(select(func.count()).select_from(responsibility_allowed_member))
        assert allowed == 4  # two members on the original's and two on the copy's
        members = db.session.scalars(select(Member).where(Member.household_id == restored.id))
        for member in members:
            assert not check_password_hash(member.password_hash, PASSWORD)
            assert not check_password_hash(member.password_hash, "demo-planner-2026")
        stored = db.session.scalar(
            select(CalendarImport.ics_data).where(CalendarImport.household_id == restored.id)
        )
        assert stored is not None and stored.endswith(b"\xc3\xa9")


def test_restore_keeps_links_between_records(app, demo_document):
    with committing(app):
        restored = restore_household(copy.deepcopy(demo_document))
    with committing(app):
        mine = {m.id for m in restored.members}
        for responsibility in db.session.scalars(
            select(Responsibility).where(Responsibility.household_id == restored.id)
        ):
            assert responsibility.area.household_id == restored.id
            assert {m.id for m in responsibility.allowed_members} <= mine
        slots = db.session.scalars(
            select(SelfCareSlot).where(SelfCareSlot.household_id == restored.id)
        )
        assert all(s.member_id is None or s.member_id in mine for s in slots)


def test_dates_times_and_words_are_plain_json(demo_document):
    member = demo_document["members"][0]
    assert "password_hash" not in member and "session_secret" not in member
    assert member["created_at"].endswith("+00:00")
    assert demo_document["format"] == "planner-household" and demo_document["version"] == 1
    assert demo_document["week_plans"][0]["status"] in ("draft", "agreed")
    assert demo_document["channel_choices"][0] == {
        "ref": "channel-1",
        "kind": "selfcare",
        "email": True,
        "push": False,
        "member": "member-1",
    }
    json.dumps(demo_document, allow_nan=False)


def test_one_households_export_holds_nothing_of_another(app, make):
    other = make("Robin", "Kim", name="Birch Cottage")
    with time_machine.travel(MOMENT, tick=True), committing(app):
        demo = full_demo()
        db.session.add(Area(household_id=other.household_id, key="home", name="Birchwork"))
        db.session.add(
            SelfCareSlot(
                household_id=other.household_id,
                member_id=other.member_ids[0],
                title="Robin's pottery",
                weekday=2,
                start_time=MOMENT.time(),
                minutes=60,
            )
        )
        db.session.flush()
        demo_text = json.dumps(export_household(demo.id))
        other_document = export_household(other.household_id)
    for word in ("Birch", "Robin", "Kim", "pottery", *other.emails):
        assert word not in demo_text
    other_text = json.dumps(other_document)
    for word in ("Demo", "Alex", "alex@example.com", "sam@example.com", "Board meeting"):
        assert word not in other_text
    assert len(other_document["members"]) == 2 and len(other_document["areas"]) == 1


def _set(path: str, value):
    def change(document: dict) -> dict:
        *parents, last = path.split(".")
        target = document
        for part in parents:
            name, _, index = part.partition("[")
            target = target[name] if not index else target[name][int(index[:-1])]
        name, _, index = last.partition("[")
        if index:
            target[name][int(index[:-1])] = value
        else:
            target[name] = value
        return document

    return change


BAD_DOCUMENTS = {
    "wrong version": (_set("version", 2), "version 2 is not one this Planner reads"),
    "wrong format": (_set("format", "calendar"), 'format must be "planner-household"'),
    "wrong type": (
        _set("members[0].feed_day_list", "yes"),
        "members[0].feed_day_list must be true",
    ),
    "wrong date": (
        _set("week_plans[1].week_start", "next week"),
        "week_plans[1].week_start must be a date",
    ),
    "naive moment": (
        _set("plan_changes[0].at", "2026-11-18T12:00:00"),
        "plan_changes[0].at must have a UTC offset",
    ),
    "missing key": (_set("household.name", None), "household.name must not be null"),
    "unknown key": (_set("areas[0].colour", "red"), "areas[0].colour is not part of the format"),
    "missing record": (
        _set("busy_blocks[0].import", "calendar-9"),
        "busy_blocks[0].import names calendar-9, which is not in the file",
    ),
    "link of the wrong type": (_set("plan_items[3].owner", 7), "plan_items[3].owner must be a ref"),
    "duplicate ref": (_set("areas[1].ref", "area-1"), "areas[1].ref area-1 is used twice"),
    "too long": (
        _set("members[1].display_name", "x" * 61),
        "members[1].display_name is longer than 60",
    ),
    "unknown word": (_set("occurrences[0].state", "maybe"), "occurrences[0].state must be one of"),
    "bad zone": (
        _set("household.timezone", "Mars/Olympus"),
        "household.timezone is not a known time zone",
    ),
    "two members, one address": (
        _set("members[1].email", "ALEX@example.com"),
        "members[1]: another record has the same email",
    ),
    "too many": (_set("members", [{}] * 51), "members has more than 50 records"),
    "capacity out of range": (
        _set("check_ins[0].capacity", 150),
        "check_ins[0].capacity must be 0–100",
    ),
    "fairness out of range": (
        _set("check_ins[1].fairness", 9),
        "check_ins[1].fairness must be 1–5",
    ),
    "negative effort": (
        _set("responsibilities[2].effort_minutes", -5),
        "responsibilities[2].effort_minutes must be 0–600",
    ),
    "slot too short": (_set("self_care_slots[0].minutes", 1), "self_care_slots[0].minutes must be"),
    "bad repeat rule": (
        _set("responsibilities[0].rrule", "FREQ=HOURLY"),
        "responsibilities[0].rrule: ",
    ),
    "bad base64": (
        _set("calendar_imports[0].ics_data", "not base64!"),
        "calendar_imports[0].ics_data must be base64",
    ),
}


@pytest.mark.parametrize("name", BAD_DOCUMENTS)
def test_a_bad_document_is_refused_and_writes_nothing(app, demo_document, name):
    change, message = BAD_DOCUMENTS[name]
    data = write_document(change(copy.deepcopy(demo_document)))
    _refused_without_a_write(app, data, message)


BAD_FILES = {
    "a key that is not text": (
        lambda data: b'{"format": "planner-household", "\\ud800": 1}',
        "The file has a key that is not text",
    ),
    "truncated": (lambda data: data[: len(data) // 2], "The file ends too early"),
    "duplicate keys": (
        lambda data: b'{"format": "planner-household", "format": "x"}',
        'The file has the key "format" twice',
    ),
    "not UTF-8": (lambda data: b"\xff\xfe" + data, "The file is not UTF-8"),
    "oversized": (lambda data: data + b" " * MOST_BYTES, "larger than 64 MB"),
    "not JSON": (lambda data: b"format: planner", "The file is not valid JSON"),
    "NaN": (lambda data: b'{"version": NaN}', "NaN, which is not JSON"),
    "not an object": (lambda data: b"[1, 2]", "The file must hold one JSON object"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_a_bad_file_is_refused_and_writes_nothing(app, demo_document, name):
    change, message = BAD_FILES[name]
    _refused_without_a_write(app, change(write_document(demo_document)), message)


def test_an_address_already_used_here_is_refused(app, demo_document):
    with committing(app):
        alex = db.session.scalar(select(Member).where(Member.email == "old-alex@example.com"))
        alex.email = "alex@example.com"
    _refused_without_a_write(
        app, write_document(demo_document), "members[0].email: alex@example.com already belongs"
    )


def _refused_without_a_write(app, data: bytes, message: str) -> None:
    with committing(app):
        before = row_counts()
        with pytest.raises(Refused) as refused:
            restore_household(read_document(data))
        assert message in refused.value.message
        db.session.flush()
        assert row_counts() == before


def test_every_table_is_exported_or_left_out_for_a_stated_reason():
    exported = {s.model.__tablename__ for s in SECTIONS} | {
        "household",  # the document's "household" object
        "responsibility_allowed_member",  # a responsibility's `allowed_members`
    }
    tables = {t.name for t in db.metadata.sorted_tables}
    assert tables == exported | LEFT_OUT, tables ^ (exported | LEFT_OUT)
    assert not exported & LEFT_OUT

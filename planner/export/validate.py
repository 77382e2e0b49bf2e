"""Checking a whole export document before anything is written: every problem is a
Refused naming its place (`members[1].email`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import LazyString
from sqlalchemy import func, select

from planner.domain.cadence import CadenceError, validate_rrule
from planner.domain.refusal import Refused
from planner.export.schema import FORMAT, HOUSEHOLD_FIELDS, SECTIONS, VERSION, Section
from planner.export.values import from_json
from planner.extensions import db
from planner.i18n import _, _l
from planner.models import Household, Member
from planner.week.services import MAX_EFFORT

REF_MOST = 60
WEEKDAYS = range(7)
# What the pages let a member enter, so a restored household holds nothing they could not.
RANGES = {
    "responsibilities": {"effort_minutes": (0, MAX_EFFORT), "mental_load_minutes": (0, 1200)},
    "plan_items": {"effort_minutes": (0, MAX_EFFORT), "mental_load_minutes": (0, 1200)},
    "check_ins": {"capacity": (0, 100), "fairness": (1, 5)},
    "self_care_slots": {"minutes": (15, 600)},
}


@dataclass
class Record:
    ref: str
    values: dict[str, Any]  # column -> value
    links: dict[str, str | None] = field(default_factory=dict)  # column -> ref
    lists: dict[str, list[str]] = field(default_factory=dict)  # relationship -> refs


@dataclass
class CheckedDocument:
    household: dict[str, Any]
    sections: dict[str, list[Record]]


def check_document(document: Any, own_email: str | None = None) -> CheckedDocument:
    """The document's records, read and checked; refuses at the first problem.
    `own_email` is the signed-in member's, which the document may (and must) hold."""
    _need(isinstance(document, dict), _l("The file must hold one JSON object."), "document")
    _check_header(document)
    household = _read_fields(Household, document.get("household"), HOUSEHOLD_FIELDS, "household")
    _check_household(household)
    sections: dict[str, list[Record]] = {}
    for section in SECTIONS:
        sections[section.key] = _read_section(section, document.get(section.key), sections)
    _check_emails(sections["members"], own_email)
    _check_weekdays(sections["self_care_slots"])
    _check_ranges(sections)
    _check_rrules(sections["responsibilities"])
    return CheckedDocument(household, sections)


def _need(ok: bool, message: str | LazyString, path: str) -> None:
    """Refuse with `message` (lazy: only a refusal looks its words up) unless `ok`."""
    if not ok:
        raise Refused(str(message), path)


def _check_header(document: dict[str, Any]) -> None:
    _need(
        document.get("format") == FORMAT,
        _l('format must be "%(format)s".', format=FORMAT),
        "format",
    )
    version = document.get("version")
    _need(
        version == VERSION and not isinstance(version, bool),
        _l(
            "version %(version)s is not one this Planner reads (it reads %(known)s).",
            version=repr(version),
            known=VERSION,
        ),
        "version",
    )
    _need(
        isinstance(document.get("exported_at"), str), _l("exported_at must be text."), "exported_at"
    )
    known = {"format", "version", "exported_at", "household", *(s.key for s in SECTIONS)}
    for key in document:
        _need(key in known, _l("%(path)s is not part of the format.", path=key), key)


def _read_fields(model: Any, raw: Any, names: tuple[str, ...], path: str) -> dict[str, Any]:
    _need(isinstance(raw, dict), _l("%(path)s must be an object.", path=path), path)
    table = model.__table__
    return {name: from_json(table.c[name], raw.get(name), f"{path}.{name}") for name in names}


def _check_household(household: dict[str, Any]) -> None:
    try:
        ZoneInfo(household["timezone"])
    except (ZoneInfoNotFoundError, ValueError):
        raise Refused(
            _("household.timezone is not a known time zone."), "household.timezone"
        ) from None
    for name in ("week_start", "planning_weekday"):
        _need(
            household[name] in WEEKDAYS,
            _l("%(path)s must be 0–6.", path=f"household.{name}"),
            f"household.{name}",
        )
    _need(
        0 < household["planning_minutes"] <= 24 * 60,
        _l("household.planning_minutes must be 1–1440."),
        "household.planning_minutes",
    )


def _read_section(section: Section, raw: Any, earlier: dict[str, list[Record]]) -> list[Record]:
    key = section.key
    _need(isinstance(raw, list), _l("%(path)s must be a list.", path=key), key)
    _need(
        len(raw) <= section.most,
        _l("%(path)s has more than %(most)d records.", path=key, most=section.most),
        key,
    )
    known = {target: {r.ref for r in earlier[target]} for target in _targets(section)}
    records: list[Record] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        record = _read_record(section, item, f"{key}[{index}]", known)
        _need(
            record.ref not in seen,
            _l("%(path)s.ref %(ref)s is used twice.", path=f"{key}[{index}]", ref=record.ref),
            key,
        )
        seen.add(record.ref)
        records.append(record)
    _check_unique(section, records)
    return records


def _targets(section: Section) -> set[str]:
    return {*section.links.values(), *section.lists.values()}


def _read_record(section: Section, raw: Any, path: str, known: dict[str, set[str]]) -> Record:
    _need(isinstance(raw, dict), _l("%(path)s must be an object.", path=path), path)
    expected = {"ref", *section.fields, *section.lists}
    expected |= {column.removesuffix("_id") for column in section.links}
    for key in raw:
        _need(
            key in expected,
            _l("%(path)s is not part of the format.", path=f"{path}.{key}"),
            f"{path}.{key}",
        )
    ref = raw.get("ref")
    _need(
        isinstance(ref, str) and 0 < len(ref) <= REF_MOST,
        _l("%(path)s.ref must be text of 1–%(most)d characters.", path=path, most=REF_MOST),
        f"{path}.ref",
    )
    record = Record(ref, _read_fields(section.model, raw, section.fields, path))
    table = section.model.__table__
    for column, target in section.links.items():
        name = column.removesuffix("_id")
        record.links[column] = _link(
            raw.get(name), known[target], table.c[column].nullable, f"{path}.{name}"
        )
    for name, target in section.lists.items():
        record.lists[name] = _link_list(raw.get(name), known[target], f"{path}.{name}")
    return record


def _link(value: Any, known: set[str], nullable: bool, path: str) -> str | None:
    if value is None:
        _need(nullable, _l("%(path)s must name a record.", path=path), path)
        return None
    _need(isinstance(value, str), _l("%(path)s must be a ref (text).", path=path), path)
    _need(
        value in known,
        _l("%(path)s names %(ref)s, which is not in the file.", path=path, ref=value),
        path,
    )
    return value


def _link_list(value: Any, known: set[str], path: str) -> list[str]:
    _need(isinstance(value, list), _l("%(path)s must be a list of refs.", path=path), path)
    refs = [_link(v, known, False, f"{path}[{i}]") for i, v in enumerate(value)]
    _need(len(set(refs)) == len(refs), _l("%(path)s names a record twice.", path=path), path)
    return [r for r in refs if r is not None]


def _check_unique(section: Section, records: list[Record]) -> None:
    for names in section.unique:
        seen: set[tuple[Any, ...]] = set()
        for index, record in enumerate(records):
            key = tuple(_value_of(record, name) for name in names)
            if isinstance(key[0], str) and names == ("email",):
                key = (key[0].strip().lower(),)
            path = f"{section.key}[{index}]"
            _need(key not in seen, _same(path, [n.removesuffix("_id") for n in names]), path)
            seen.add(key)


def _same(path: str, fields: list[str]) -> LazyString:
    if len(fields) == 1:
        return _l("%(path)s: another record has the same %(field)s.", path=path, field=fields[0])
    return _l(
        "%(path)s: another record has the same %(first)s and %(second)s.",
        path=path,
        first=", ".join(fields[:-1]),
        second=fields[-1],
    )


def _value_of(record: Record, name: str) -> Any:
    return record.links[name] if name in record.links else record.values[name]


def _check_emails(members: list[Record], own_email: str | None) -> None:
    emails = {}
    for index, member in enumerate(members):
        path = f"members[{index}].email"
        email = member.values["email"].strip().lower()
        _need(
            "@" in email and " " not in email,
            _l("%(path)s is not an email address.", path=path),
            path,
        )
        emails[email] = path
    _need(bool(members), _l("members must hold at least one member."), "members")
    if own_email is not None:
        _need(
            own_email in emails,
            _l(
                "No member in this file has your email (%(email)s), so it can't become your "
                "household. Sign in with that member's email, or export it again.",
                email=own_email,
            ),
            "members",
        )
        del emails[own_email]
    taken = db.session.scalars(
        select(func.lower(Member.email)).where(func.lower(Member.email).in_(list(emails)))
    ).first()
    if taken is not None:
        path = emails[taken]
        raise Refused(
            _("%(path)s: %(email)s already belongs to a member here.", path=path, email=taken),
            path,
        )


def _check_weekdays(slots: list[Record]) -> None:
    for index, slot in enumerate(slots):
        path = f"self_care_slots[{index}].weekday"
        _need(slot.values["weekday"] in WEEKDAYS, _l("%(path)s must be 0–6.", path=path), path)


def _check_ranges(sections: dict[str, list[Record]]) -> None:
    for key, fields in RANGES.items():
        for index, record in enumerate(sections[key]):
            for name, (low, high) in fields.items():
                value = record.values[name]
                path = f"{key}[{index}].{name}"
                _need(
                    value is None or low <= value <= high,
                    _l("%(path)s must be %(low)d–%(high)d.", path=path, low=low, high=high),
                    path,
                )


def _check_rrules(responsibilities: list[Record]) -> None:
    for index, record in enumerate(responsibilities):
        rule = record.values["rrule"]
        path = f"responsibilities[{index}].rrule"
        if rule is not None:
            try:
                record.values["rrule"] = validate_rrule(rule)
            except CadenceError as exc:
                raise Refused(f"{path}: {exc}", path) from None

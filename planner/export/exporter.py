"""A household's data as one JSON-ready document (docs/export-format.md)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from planner.database import utcnow
from planner.export.schema import FORMAT, HOUSEHOLD_FIELDS, SECTIONS, VERSION, Section
from planner.export.values import to_json
from planner.extensions import db
from planner.models import Household, Member

Refs = dict[str, dict[int, str]]  # section key -> database id -> ref


def export_household(household_id: int) -> dict[str, Any]:
    """Everything the household entered and everything its history shows, with refs for
    links; the same household always gives the same document but for `exported_at`."""
    household = db.session.get(Household, household_id)
    if household is None:
        raise LookupError(f"There is no household {household_id}.")
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": utcnow().isoformat(),
        "household": _fields(household, HOUSEHOLD_FIELDS),
    }
    refs: Refs = {}
    for section in SECTIONS:
        document[section.key] = _section_records(section, household_id, refs)
    return document


def _section_records(section: Section, household_id: int, refs: Refs) -> list[dict[str, Any]]:
    rows = _rows_of(section, household_id)
    refs[section.key] = {}
    records = []
    for number, row in enumerate(rows, start=1):
        ref = f"{section.prefix}-{number}"
        if hasattr(row, "id"):
            refs[section.key][row.id] = ref
        record: dict[str, Any] = {"ref": ref, **_fields(row, section.fields)}
        for column, target in section.links.items():
            linked = getattr(row, column)
            record[column.removesuffix("_id")] = None if linked is None else refs[target][linked]
        for name, target in section.lists.items():
            linked_refs = (refs[target][m.id] for m in getattr(row, name))
            record[name] = sorted(linked_refs, key=_ref_number)
        records.append(record)
    return records


def _rows_of(section: Section, household_id: int) -> list[Any]:
    model = section.model
    if hasattr(model, "household_id"):
        owned = model.household_id == household_id
    else:  # a member's own rows (channel choices)
        owned = model.member_id.in_(select(Member.id).where(Member.household_id == household_id))
    order = [getattr(model, name) for name in section.order]
    # Listed links (a responsibility's allowed members) in one query per section.
    lists = [selectinload(getattr(model, name)) for name in section.lists]
    return list(db.session.scalars(select(model).where(owned).order_by(*order).options(*lists)))


def _fields(row: Any, names: tuple[str, ...]) -> dict[str, Any]:
    table = type(row).__table__
    return {name: to_json(table.c[name], getattr(row, name)) for name in names}


def _ref_number(ref: str) -> int:
    return int(ref.rsplit("-", 1)[1])

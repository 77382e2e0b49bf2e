"""A household brought back from an export document: checked whole first, then written
with new ids in the caller's transaction (services only flush)."""

from __future__ import annotations

import secrets
from typing import Any

from planner.export.schema import SECTIONS, Section
from planner.export.validate import CheckedDocument, Record, check_document
from planner.extensions import db
from planner.models import Household, Member
from planner.models.household import new_session_secret

NewIds = dict[str, dict[str, Any]]  # section key -> ref -> the new row


def restore_household(document: Any, keep: Member | None = None) -> Household:
    """The household the document describes, as a new household of this instance.

    Refuses (planner.domain.refusal.Refused) before writing anything when any part of the
    document is wrong. Members get a password no one knows (they choose one with "Forgot
    your password?") and fresh session secrets. `keep`, a signed-in member, moves into it
    as the document's member with their email, keeping their password and sessions."""
    checked = check_document(document, keep.email if keep is not None else None)
    household = Household(**checked.household)
    db.session.add(household)
    db.session.flush()
    rows: NewIds = {}
    for section in SECTIONS:
        rows[section.key] = _restore_section(section, checked, household, rows, keep)
    return household


def _restore_section(
    section: Section,
    checked: CheckedDocument,
    household: Household,
    rows: NewIds,
    keep: Member | None,
) -> dict[str, Any]:
    made: dict[str, Any] = {}
    for record in checked.sections[section.key]:
        values = _values(section, record, household, rows)
        if keep is not None and section.model is Member and values["email"] == keep.email:
            row = _moved(keep, household, values)
        else:
            row = section.model(**values)
        for name, target in section.lists.items():
            setattr(row, name, [rows[target][ref] for ref in record.lists[name]])
        db.session.add(row)
        made[record.ref] = row
    db.session.flush()  # in record order: the new ids keep the document's order
    return made


def _values(section: Section, record: Record, household: Household, rows: NewIds) -> dict:
    values = dict(record.values)
    for column, ref in record.links.items():
        target = section.links[column]
        values[column] = None if ref is None else rows[target][ref].id
    if hasattr(section.model, "household_id"):
        values["household_id"] = household.id
    if section.model is Member:
        values["email"] = values["email"].strip().lower()
        values["password_hash"] = unusable_password_hash()
        values["session_secret"] = new_session_secret()
    return values


def _moved(member: Member, household: Household, values: dict) -> Member:
    for name in ("password_hash", "session_secret", "email"):
        values.pop(name)
    for name, value in values.items():
        setattr(member, name, value)
    member.household = household
    return member


def unusable_password_hash() -> str:
    """A hash no password matches (not in werkzeug's format): the member sets a new
    password through the reset link."""
    return "!restored:" + secrets.token_hex(16)

"""Quick ways to call the API in tests: a member's token, and its header; the two-member
household and the Wednesday the API tests share (import them as fixtures)."""

from __future__ import annotations

import pytest
import time_machine

from planner.api import tokens
from planner.extensions import db
from planner.models import Member
from tests.handover_helpers import WEDNESDAY_MORNING
from tests.helpers import committing


@pytest.fixture
def home(make):
    return make("Alex", "Sam")


@pytest.fixture
def wednesday():
    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        yield


def make_token(app, member_id: int, scope: str = "read-write", name: str = "Script") -> str:
    """A new token of this member's, made through the service the page uses: its secret."""
    with committing(app):
        _, secret = tokens.create_token(db.session.get(Member, member_id), name, scope)
    return secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def is_error(response, status: int, code: str) -> bool:
    """The API's one error shape, with this status and code."""
    error = (response.get_json(silent=True) or {}).get("error") or {}
    return (
        response.status_code == status
        and response.mimetype == "application/json"
        and error.get("code") == code
        and bool(error.get("message"))
    )

"""Test helpers that build households quickly through the real services."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from werkzeug.security import generate_password_hash

from planner.extensions import db
from planner.models import Household, Member

PASSWORD = "correct horse battery"
_HASH_CACHE: dict[str, str] = {}


def password_hash(password: str = PASSWORD) -> str:
    # Hashing is deliberately slow; one hash serves every test member.
    if password not in _HASH_CACHE:
        _HASH_CACHE[password] = generate_password_hash(password)
    return _HASH_CACHE[password]


@dataclass
class Made:
    household_id: int
    member_ids: list[int]
    emails: list[str]


class HouseholdMaker:
    def __init__(self, app):
        self.app = app
        self.count = 0

    def __call__(
        self, *names: str, timezone: str = "Europe/London", name: str | None = None
    ) -> Made:
        names = names or ("Alex", "Sam")
        self.count += 1
        with self.app.app_context():
            household = Household(name=name or f"Home {self.count}", timezone=timezone)
            db.session.add(household)
            members = []
            for n in names:
                email = f"{n.lower()}.{self.count}@example.com"
                members.append(
                    Member(
                        household=household,
                        display_name=n,
                        email=email,
                        password_hash=password_hash(),
                    )
                )
            db.session.add_all(members)
            db.session.commit()
            return Made(household.id, [m.id for m in members], [m.email for m in members])


@contextmanager
def committing(app) -> Iterator[None]:
    """Work done straight through the services, committed at the end as a request, job or
    command would (services only flush)."""
    with app.app_context():
        yield
        session = db.session()
        session.expire_on_commit = False  # objects read inside stay readable after it
        session.commit()


def login(client, email: str, password: str = PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def links_in(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"<>]+", text)


def body(response) -> str:
    """The page text with HTML entities decoded, for readable assertions."""
    return html.unescape(response.get_data(as_text=True))

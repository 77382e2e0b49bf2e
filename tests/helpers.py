"""Test helpers that build households quickly through the real services."""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import session
from flask.testing import FlaskClient
from flask_wtf.csrf import generate_csrf
from werkzeug.datastructures import Headers, MultiDict
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


STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSRF_FIELD = "csrf_token"


class BrowserClient(FlaskClient):
    """A test client that sends the CSRF token with every state-changing request, as a
    browser does: in the form (`csrf_token`) for form posts, in the `X-CSRFToken` header
    (what the layout's `hx-headers` gives htmx) for JSON or raw bodies.

    The token is the one the app would put in this client's page: Flask-WTF's signed
    form of the raw token kept in this client's session cookie. To post without a
    token (a forged request), pass `csrf=False`, or a form with its own `csrf_token`
    (`data={"csrf_token": ""}`): a form that already carries one is sent as it is.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Double submits post from two threads at once: one token for the page, not two.
        self._token_lock = threading.Lock()

    def open(self, *args, csrf: bool = True, **kwargs):
        method = str(kwargs.get("method") or "GET").upper()
        plain = not args or isinstance(args[0], str)  # not a prepared builder or environ
        if csrf and plain and method in STATE_CHANGING:
            kwargs = self._with_token(kwargs)
        return super().open(*args, **kwargs)

    def csrf_token(self) -> str:
        """The signed token for this client's session (the raw one is stored in it first)."""
        app = self.application
        with self._token_lock:
            return self._signed_token(app)

    def _signed_token(self, app) -> str:
        # A fresh app context: Flask-WTF caches the token on `g`, which a test's own app
        # context would otherwise share between clients.
        with self.session_transaction() as cookie, app.app_context(), app.test_request_context():
            if CSRF_FIELD in cookie:
                session[CSRF_FIELD] = cookie[CSRF_FIELD]
            token = generate_csrf()
            if cookie.get(CSRF_FIELD) != session[CSRF_FIELD]:
                cookie[CSRF_FIELD] = session[CSRF_FIELD]
        return token

    def _with_token(self, kwargs: dict) -> dict:
        data = kwargs.get("data")
        if "json" not in kwargs and (data is None or isinstance(data, dict)):
            if data is not None and CSRF_FIELD in data:
                return kwargs  # the test chose the token (or its absence)
            form = MultiDict(data) if isinstance(data, MultiDict) else dict(data or {})
            form[CSRF_FIELD] = self.csrf_token()
            return {**kwargs, "data": form}
        headers = Headers(kwargs.get("headers"))
        if "X-CSRFToken" not in headers and "X-CSRF-Token" not in headers:
            headers["X-CSRFToken"] = self.csrf_token()
        return {**kwargs, "headers": headers}


def login(client, email: str, password: str = PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def links_in(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"<>]+", text)


def body(response) -> str:
    """The page text with HTML entities decoded, for readable assertions."""
    return html.unescape(response.get_data(as_text=True))


def queries_of(app, client, url: str) -> int:
    """The SQL statements one GET of `url` runs (it must answer 200)."""
    from sqlalchemy import event

    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def record(*_args, **_kwargs) -> None:
        seen.append("q")

    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(seen)

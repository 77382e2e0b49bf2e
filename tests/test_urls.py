"""Absolute links (emails, invites, feeds) point where the app is really reached."""

from __future__ import annotations

import pytest

from planner.urls import absolute_url


@pytest.mark.parametrize(
    ("debug", "configured", "expected"),
    [
        # Development with no PLANNER_BASE_URL: the port the server really runs on.
        (True, False, "http://localhost:5101/reminders"),
        # Set explicitly, it wins everywhere.
        (True, True, "http://planner.test/reminders"),
        # Production never trusts a Host header: the configured base (or its default).
        (False, False, "http://planner.test/reminders"),
    ],
)
def test_links_follow_the_address_only_in_development(app, debug, configured, expected):
    was = app.debug, app.config["PLANNER_BASE_URL_SET"]
    app.debug, app.config["PLANNER_BASE_URL_SET"] = debug, configured
    try:
        with app.test_request_context("/", base_url="http://localhost:5101"):
            assert absolute_url("reminders.index") == expected
    finally:
        app.debug, app.config["PLANNER_BASE_URL_SET"] = was
    with app.app_context():  # no request (the scheduler): always the configured base
        assert absolute_url("reminders.index") == "http://planner.test/reminders"

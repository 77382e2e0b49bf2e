"""A request is one change: services only flush; the request commits once at its end when
the response is a success (status below 400) and rolls back otherwise.

Jobs and CLI commands are their own boundaries and commit where their work is done
(per household, per message). Signal receivers write in the caller's transaction, so a
change and the email it causes are saved together or not at all.
"""

from __future__ import annotations

from flask import Flask, Response

from planner.extensions import db


def register(app: Flask) -> None:
    @app.after_request
    def commit_or_roll_back(response: Response) -> Response:
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response

"""Friendly error pages; a 500 rolls the session back first."""

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from planner.api import errors as api_errors
from planner.extensions import db
from planner.i18n import _, _l

CHANGED_MEANWHILE = (
    _l("This changed while you were saving"),
    _l(
        "Someone changed or removed it at the same moment, so nothing was saved. Have another look."
    ),
)


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return _page(
            400,
            _("This form has expired"),
            _("Please go back, reload the page and try again."),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if api_errors.is_api_request():
            return api_errors.from_http(error)
        titles = {
            403: (_("Not yours to see"), _("This belongs to someone else's household.")),
            404: (
                _("Not found"),
                _("We couldn't find that page. It may have moved or never existed."),
            ),
            405: (_("Not allowed"), _("That action isn't available here.")),
            410: (_("This link has expired"), _("Ask for a new one and try again.")),
            413: (_("That file is too large"), _("Please choose a smaller file.")),
            429: (_("Too many attempts"), _("Please wait a few minutes and try again.")),
        }
        code = error.code or 500
        title, text = titles.get(code, (error.name, error.description or ""))
        return _page(code, title, text)

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        if isinstance(getattr(error, "original_exception", None), StaleDataError):
            # A row this request was saving was changed or removed by another at that moment
            # (a partner deleting the household): nothing was saved, and it is no fault.
            if api_errors.is_api_request():
                return api_errors.error_response(409, str(CHANGED_MEANWHILE[1]))
            return _page(409, *map(str, CHANGED_MEANWHILE))
        if api_errors.is_api_request():
            return api_errors.error_response(500)
        return _page(
            500, _("Something went wrong"), _("Nothing was saved. Please try again in a moment.")
        )


def _page(code: int, title: str, text: str):
    if request.accept_mimetypes.best == "application/json":
        return {"error": title, "detail": text}, code
    return render_template("errors/error.html", code=code, title=title, text=text), code

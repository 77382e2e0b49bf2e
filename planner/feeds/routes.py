"""The feed itself (no sign-in: the secret token is the key) and the feed settings page."""

from __future__ import annotations

import re
from urllib.parse import quote

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.http import http_date

from planner.feeds import services
from planner.feeds.forms import DayListForm, FeedLinkForm
from planner.feeds.qr import qr_svg
from planner.i18n import _
from planner.urls import absolute_url

bp = Blueprint("feeds", __name__)

ICS_MIMETYPE = "text/calendar; charset=utf-8"
SENT_ETAG = re.compile(r'(?:W/)?"([0-9a-f]{32})"')  # ours, as given (FoundFeed.etag)


@bp.get("/feeds/<token>.ics")
def feed(token: str):
    # Deliberately touches neither the session nor current_user: calendar apps have no login.
    held = _held_etag()
    found = services.find_feed(token, held)
    if found is None:
        return Response("Not found\n", 404, content_type="text/plain; charset=utf-8")
    # Weak: the same ETag for the gzip, brotli and plain bytes of one feed, which is what
    # compression (Flask-Compress) leaves alone; a strong one it would suffix per encoding
    # (`"…:br"`), and the check below, made before the body exists, would no longer match.
    etag = found.etag
    headers = {"ETag": f'W/"{etag}"', "Cache-Control": "private, no-cache"}
    # If-None-Match decides alone when sent (RFC 9110 13.2.2), by weak comparison: our
    # ETag comes back as W/"…", or as "…" from before it was weak. A matching one never
    # builds nor reads the stored bytes: one query in all.
    if "If-None-Match" in request.headers:
        if held == etag or request.if_none_match.contains_weak(etag):
            return Response(status=304, headers=headers)
        built = services.built_feed(found)
    else:
        built = services.built_feed(found)
        since = request.if_modified_since
        if since is not None and built.built_at <= since:
            return Response(status=304, headers=headers)
    headers["Last-Modified"] = http_date(built.built_at)
    return Response(built.body, headers=headers, content_type=ICS_MIMETYPE)


def _held_etag() -> str:
    """The one ETag the client says it holds (weak or strong), else "": with it, the lookup
    leaves out the bytes it would not send. A phone sends back exactly what it was given,
    which is read without the general header parser."""
    sent = request.headers.get("If-None-Match", "")
    ours = SENT_ETAG.fullmatch(sent)
    if ours:
        return ours[1]
    held = request.if_none_match.as_set(include_weak=True)
    return next(iter(held)) if len(held) == 1 else ""


@bp.get("/feeds")
@login_required
def settings():
    return _page(FeedLinkForm())


@bp.post("/feeds/links")
@login_required
def new_link():
    form = FeedLinkForm()
    if not form.validate_on_submit():
        return _page(form), 422
    member = current_user if form.feed.data == "member" else None
    services.new_feed_token(current_user.household, member)
    flash(_("Your new feed address is ready; the old one no longer works."), "success")
    return redirect(url_for("feeds.settings") + f"#feed-{form.feed.data}")


@bp.post("/feeds/day-list")
@login_required
def day_list():
    form = DayListForm()
    if not form.validate_on_submit():
        return _page(FeedLinkForm(formdata=None)), 422
    services.set_day_list(current_user, form.day_list.data)
    flash(
        _("Your feed now has one “today's list” a day for untimed things.")
        if form.day_list.data
        else _("Your feed now has one event for each untimed thing."),
        "success",
    )
    return redirect(url_for("feeds.settings") + "#feed-member")


def _page(form: FeedLinkForm):
    household = current_user.household
    links = {
        key: _link(services.feed_token(household, member))
        for key, member in (("member", current_user), ("household", None))
    }
    day_list = DayListForm(formdata=None, day_list=current_user.feed_day_list)
    return render_template("feeds/settings.html", form=form, links=links, day_list=day_list)


GOOGLE_SUBSCRIBE = "https://calendar.google.com/calendar/r?cid="


def _link(token: str | None) -> dict | None:
    if token is None:
        return None
    https = absolute_url("feeds.feed", token=token)
    webcal = "webcal://" + https.split("://", 1)[1]
    return {
        "https": https,
        "webcal": webcal,
        # Google Calendar subscribes from its own servers: it needs an address it can reach.
        "google": GOOGLE_SUBSCRIBE + quote(webcal, safe=""),
        "qr": qr_svg(webcal, _("QR code of the feed address")),
    }

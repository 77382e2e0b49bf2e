"""The feed itself (no sign-in: the secret token is the key) and the feed settings page."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user, login_required

from planner.feeds import services
from planner.feeds.forms import FeedLinkForm
from planner.feeds.qr import qr_svg
from planner.urls import absolute_url

bp = Blueprint("feeds", __name__)

ICS_MIMETYPE = "text/calendar; charset=utf-8"


@bp.get("/feeds/<token>.ics")
def feed(token: str):
    # Deliberately touches neither the session nor current_user: calendar apps have no login.
    found = services.find_feed(token)
    if found is None:
        return Response("Not found\n", 404, content_type="text/plain; charset=utf-8")
    headers = {"ETag": f'"{found.etag}"', "Cache-Control": "private, no-cache"}
    if request.if_none_match.contains(found.etag):
        return Response(status=304, headers=headers)
    return Response(services.feed_bytes(found), headers=headers, content_type=ICS_MIMETYPE)


@bp.get("/feeds")
@login_required
def settings():
    return _page(FeedLinkForm(), links={})


@bp.post("/feeds/links")
@login_required
def new_link():
    form = FeedLinkForm()
    if not form.validate_on_submit():
        return _page(form, links={}), 422
    member = current_user if form.feed.data == "member" else None
    token = services.new_feed_token(current_user.household, member)
    https = absolute_url("feeds.feed", token=token)
    webcal = "webcal://" + https.split("://", 1)[1]
    link = {"https": https, "webcal": webcal, "qr": qr_svg(webcal, "QR code of the feed address")}
    return _page(FeedLinkForm(formdata=None), links={form.feed.data: link})


def _page(form: FeedLinkForm, links: dict):
    household = current_user.household
    if household is None:
        abort(404)
    return render_template(
        "feeds/settings.html",
        form=form,
        links=links,
        has_member_feed=services.has_feed(household, current_user),
        has_household_feed=services.has_feed(household, None),
    )

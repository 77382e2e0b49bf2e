"""Bench-only routes (registered only when PLANNER_BENCH=1): the ceilings bench/feed.py
compares the real feed against, inside the same app and server stack."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request

from planner.extensions import db
from planner.feeds import services
from planner.feeds.builder import build_feed
from planner.feeds.routes import ICS_MIMETYPE
from planner.models import Household

bp = Blueprint("feedbench", __name__, url_prefix="/bench")
_MEMORY: dict[str, tuple[bytes, str]] = {}


@bp.get("/hello")
def hello():
    return Response("hello\n", content_type="text/plain; charset=utf-8")


@bp.get("/memory/<token>.ics")
def memory(token: str):
    """The same bytes and headers as the feed, straight from a dict."""
    if token not in _MEMORY:
        found = services.find_feed(token) or abort(404)
        _MEMORY[token] = (services.feed_bytes(found), found.etag)
    body, etag = _MEMORY[token]
    headers = {"ETag": f'W/"{etag}"', "Cache-Control": "private, no-cache"}
    if request.if_none_match.contains_weak(etag):
        return Response(status=304, headers=headers)
    return Response(body, headers=headers, content_type=ICS_MIMETYPE)


@bp.get("/naive/<token>.ics")
def naive(token: str):
    """The same calendar built with icalendar on every request, as a feed without a cache would."""
    found = services.find_feed(token) or abort(404)
    household = db.session.get_one(Household, found.household_id)
    return Response(
        build_feed(household, found.member_id, found.week_start), content_type=ICS_MIMETYPE
    )

"""Bench-only routes (registered only when PLANNER_BENCH=1): the ceilings bench/feed.py
compares the real feed against, inside the same app and server stack."""

from __future__ import annotations

import threading
from datetime import datetime

from flask import Blueprint, Response, abort, request
from sqlalchemy import select
from werkzeug.http import http_date

from planner.extensions import db
from planner.feeds import services
from planner.feeds.builder import build_feed
from planner.feeds.routes import ICS_MIMETYPE
from planner.models import FeedToken, Household
from planner.models.feeds import FeedCache
from planner.tokens import hash_token

bp = Blueprint("feedbench", __name__, url_prefix="/bench")
# Each process's feeds by token hash: bytes, ETag, Last-Modified.
_MEMORY: dict[str, tuple[bytes, str, datetime]] = {}
_LOADING = threading.Lock()
_loaded = False


@bp.get("/hello")
def hello():
    return Response("hello\n", content_type="text/plain; charset=utf-8")


@bp.get("/memory/<token>.ics")
def memory(token: str):
    """The same bytes and headers as the feed, straight from a dict (every stored feed is
    read into it at this process's first request here)."""
    if not _loaded:
        _load()
    key = hash_token(token)
    kept = _MEMORY.get(key)
    if kept is None:
        found = services.find_feed(token) or abort(404)
        built = services.built_feed(found)
        kept = _MEMORY[key] = (built.body, found.etag, built.built_at)
    body, etag, built_at = kept
    headers = {"ETag": f'W/"{etag}"', "Cache-Control": "private, no-cache"}
    if request.if_none_match.contains_weak(etag):
        return Response(status=304, headers=headers)
    headers["Last-Modified"] = http_date(built_at)
    return Response(body, headers=headers, content_type=ICS_MIMETYPE)


def _load() -> None:
    global _loaded
    with _LOADING:
        if _loaded:
            return
        rows = db.session.execute(
            select(FeedToken.token_hash, FeedCache.body, FeedCache.etag, FeedCache.built_at).join(
                FeedCache, FeedCache.feed_token_id == FeedToken.id
            )
        )
        _MEMORY.update({row[0]: tuple(row[1:]) for row in rows})  # type: ignore[misc]
        _loaded = True


@bp.get("/naive/<token>.ics")
def naive(token: str):
    """The same calendar built with icalendar on every request, as a feed without a cache would."""
    found = services.find_feed(token) or abort(404)
    household = db.session.get_one(Household, found.household_id)
    return Response(
        build_feed(household, found.member_id, found.week_start), content_type=ICS_MIMETYPE
    )

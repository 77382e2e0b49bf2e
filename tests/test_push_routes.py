"""Turning phone notifications on and off (JSON routes from pwa.js), the VAPID key, the
devices list and the per-kind channel choice on the preferences page."""

from __future__ import annotations

import os
import stat

import pytest
from sqlalchemy import func, select

from planner.extensions import db
from planner.models import ChannelChoice, Member, PushSubscription
from planner.push import vapid
from tests.helpers import body, committing, login
from tests.push_service import b64url

PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36"
)


def _subscribe(client, subscription, **kwargs):
    return client.post(
        "/push/subscriptions",
        json=subscription,
        headers={"User-Agent": PHONE_UA, "Accept": "application/json"},
        **kwargs,
    )


def _devices(app) -> list[tuple[int, str]]:
    with committing(app):
        rows = db.session.execute(select(PushSubscription.member_id, PushSubscription.endpoint))
        return [tuple(r) for r in rows]


def test_vapid_keys_are_made_on_first_use_and_kept(app, tmp_path):
    path = tmp_path / "keys" / "vapid_private.pem"
    saved = app.config["PLANNER_VAPID_PRIVATE_KEY_FILE"]
    app.config["PLANNER_VAPID_PRIVATE_KEY_FILE"] = str(path)
    try:
        with app.app_context():
            assert not path.exists()
            first = vapid.public_key()
            assert path.exists() and stat.S_IMODE(os.stat(path).st_mode) == 0o600
            vapid._loaded.clear()  # a restart: the key is read back, never made anew
            assert vapid.public_key() == first
            assert len(first) == 87 and "=" not in first  # 65 bytes, base64url
            assert vapid.subject() == "mailto:planner@localhost"
    finally:
        app.config["PLANNER_VAPID_PRIVATE_KEY_FILE"] = saved


def test_the_public_key_is_for_signed_in_members(app, client, make):
    made = make("Alex")
    signed_out = client.get("/push/key")
    assert signed_out.status_code == 401 and "sign in" in signed_out.json["error"]
    login(client, made.emails[0])
    answer = client.get("/push/key")
    with app.app_context():
        assert answer.status_code == 200 and answer.json == {"publicKey": vapid.public_key()}


def test_turning_notifications_on_saves_the_device_once(push_app, client, make, push_service):
    made = make("Alex", "Sam")
    login(client, made.emails[0])
    phone = push_service.browser("alex-phone")
    first = _subscribe(client, phone.subscription())
    assert (
        first.status_code == 201
        and first.json["message"] == "Notifications are on for this device."
    )
    again = _subscribe(client, phone.subscription())
    assert again.status_code == 200
    assert _devices(push_app) == [(made.member_ids[0], phone.endpoint)]
    page = body(client.get("/reminders/preferences"))
    assert "Chrome on Android" in page and "Turn them off on this device" in page


def test_a_browser_someone_else_signs_in_on_becomes_theirs(push_app, client, make, push_service):
    made = make("Alex", "Sam")
    shared = push_service.browser("shared-tablet")
    login(client, made.emails[0])
    assert _subscribe(client, shared.subscription()).status_code == 201
    other = push_app.test_client()
    login(other, made.emails[1])
    assert _subscribe(other, shared.subscription()).status_code == 200
    assert _devices(push_app) == [(made.member_ids[1], shared.endpoint)]


GOOD = {
    "endpoint": "https://push.example.com/send/abc",
    "keys": {
        # A real P-256 point and a 16-byte secret, as a browser gives them.
        "p256dh": "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
        "auth": "tBHItJI5svbpez7KI4CCXg",
    },
}


def _with(**changes):
    data = {"endpoint": GOOD["endpoint"], "keys": dict(GOOD["keys"])}
    for name, value in changes.items():
        if name in ("p256dh", "auth"):
            data["keys"][name] = value
        else:
            data[name] = value
    return data


BAD = [
    ("not json", b"endpoint=https://push.example.com", 400, "unexpected"),
    ("a list", [1, 2], 400, "unexpected"),
    ("no keys", {"endpoint": GOOD["endpoint"]}, 422, "unexpected"),
    ("no endpoint", _with(endpoint=None), 422, "unexpected"),
    ("plain http", _with(endpoint="http://push.example.com/x"), 422, "https://"),
    ("an ip address", _with(endpoint="https://10.0.0.7/x"), 422, "IP address"),
    ("loopback", _with(endpoint="https://127.0.0.1:9/x"), 422, "IP address"),
    ("localhost", _with(endpoint="https://localhost/x"), 422, "https://"),
    ("too long", _with(endpoint="https://push.example.com/" + "x" * 1000), 422, "unexpected"),
    ("short p256dh", _with(p256dh=b64url(b"\x04" + bytes(31))), 422, "unexpected"),
    ("p256dh off the curve", _with(p256dh=b64url(b"\x04" + bytes(64))), 422, "unexpected"),
    ("p256dh not base64", _with(p256dh="!!!" * 29), 422, "unexpected"),
    ("long auth", _with(auth=b64url(bytes(17))), 422, "unexpected"),
    ("auth a number", _with(auth=12), 422, "unexpected"),
]


@pytest.mark.parametrize(("case", "data", "status", "words"), BAD, ids=[b[0] for b in BAD])
def test_bad_subscriptions_are_refused_clearly(app, client, make, case, data, status, words):
    made = make("Alex")
    login(client, made.emails[0])
    if isinstance(data, bytes):
        answer = client.post(
            "/push/subscriptions", data=data, headers={"Content-Type": "application/json"}
        )
    else:
        answer = _subscribe(client, data)
    assert answer.status_code == status, answer.get_data(as_text=True)
    assert answer.json["ok"] is False and words in answer.json["error"]
    assert _devices(app) == []


def test_the_good_example_is_accepted(app, client, make):
    made = make("Alex")
    login(client, made.emails[0])
    assert _subscribe(client, GOOD).status_code == 201  # the bad cases fail for their reason


def test_signed_out_requests_are_told_to_sign_in(app, client):
    for path, data in (("/push/subscriptions", GOOD), ("/push/subscriptions/remove", GOOD)):
        answer = client.post(path, json=data, headers={"Accept": "application/json"})
        assert answer.status_code == 401 and "sign in" in answer.json["error"]
    assert _devices(app) == []


def test_a_member_turns_off_only_their_own_devices(push_app, client, make, push_service):
    made = make("Alex", "Sam")
    alex_phone = push_service.browser("alex")
    login(client, made.emails[0])
    assert _subscribe(client, alex_phone.subscription()).status_code == 201
    with committing(push_app):
        device_id = db.session.scalar(select(PushSubscription.id))
    sam = push_app.test_client()
    login(sam, made.emails[1])
    # The partner can neither remove it by its address nor from the devices list.
    refused = sam.post("/push/subscriptions/remove", json={"endpoint": alex_phone.endpoint})
    assert refused.status_code == 404 and refused.json["error"]
    assert sam.post(f"/push/devices/{device_id}/remove").status_code == 404
    assert "Chrome on Android" not in body(sam.get("/reminders/preferences"))
    assert _devices(push_app) == [(made.member_ids[0], alex_phone.endpoint)]
    bad = client.post("/push/subscriptions/remove", json={"endpoint": 5})
    assert bad.status_code == 422 and _devices(push_app)
    not_json = client.post("/push/subscriptions/remove", data=b"x", content_type="text/plain")
    assert not_json.status_code == 400 and _devices(push_app)
    done = client.post("/push/subscriptions/remove", json={"endpoint": alex_phone.endpoint})
    assert (
        done.status_code == 200 and done.json["message"] == "Notifications are off for this device."
    )
    assert _devices(push_app) == []


def test_the_devices_list_turns_one_off(push_app, client, make, push_service):
    made = make("Alex")
    login(client, made.emails[0])
    _subscribe(client, push_service.browser("a").subscription())
    with committing(push_app):
        device_id = db.session.scalar(select(PushSubscription.id))
    answer = client.post(f"/push/devices/{device_id}/remove")
    assert answer.status_code == 302 and answer.location.endswith("/reminders/preferences")
    assert _devices(push_app) == []
    assert client.post(f"/push/devices/{device_id}/remove").status_code == 404


KINDS = ("selfcare", "planning", "handover", "midweek", "plan_summary")


def _all_channels(**changes) -> dict:
    form = {f"{k}_{c}": "y" for k in KINDS for c in ("email", "push")}
    for name, value in changes.items():
        if value is None:
            form.pop(name)
        else:
            form[name] = value
    return form


def test_preferences_show_each_kind_with_email_and_notification(app, client, make):
    made = make("Alex")
    login(client, made.emails[0])
    page = body(client.get("/reminders/preferences"))
    for words in (
        "Self-care reminder",
        "Planning session reminder",
        "Offer or request from your partner",
        "Partner's mid-week check-in",
        "Agreed week plan",
    ):
        assert words in page
    assert page.count('type="checkbox"') == 10 and page.count("checked") == 10  # defaults: both
    assert "Turn on notifications on this device" in page
    assert "while there is none, it comes by email instead" in page


def test_choosing_channels_saves_them(app, client, make):
    made = make("Alex")
    login(client, made.emails[0])
    form = _all_channels(handover_email=None, selfcare_push=None)
    answer = client.post("/reminders/channels", data=form)
    assert answer.status_code == 302
    with committing(app):
        rows = {(r.kind, r.email, r.push) for r in db.session.scalars(select(ChannelChoice))}
    assert ("handover", False, True) in rows and ("selfcare", True, False) in rows
    assert ("plan_summary", True, True) in rows
    page = body(client.get("/reminders/preferences"))
    assert page.count("checked") == 8


def test_a_kind_with_no_channel_is_refused(app, client, make):
    made = make("Alex")
    login(client, made.emails[0])
    answer = client.post(
        "/reminders/channels", data=_all_channels(midweek_email=None, midweek_push=None)
    )
    assert answer.status_code == 422
    assert "Choose email, a phone notification, or both." in body(answer)
    with committing(app):
        assert db.session.scalar(select(func.count()).select_from(ChannelChoice)) == 0


def test_channels_by_the_signed_link_without_sign_in(app, client, make):
    from planner.reminders import links

    made = make("Alex")
    with app.app_context():
        token = links.prefs_token(made.member_ids[0])
    page = body(client.get(f"/reminders/preferences?token={token}"))
    assert "sign in to Planner on your phone" in page
    assert "Turn on notifications on this device" not in page
    answer = client.post(
        f"/reminders/channels?token={token}", data=_all_channels(plan_summary_push=None)
    )
    assert answer.status_code == 302 and token in answer.location
    with committing(app):
        row = db.session.get(ChannelChoice, (made.member_ids[0], "plan_summary"))
        assert (row.email, row.push) == (True, False)
    assert client.post("/reminders/channels", data=_all_channels()).status_code == 302
    with committing(app):  # signed out and no link: nothing changed
        assert db.session.get(Member, made.member_ids[0]) is not None
        assert db.session.scalar(select(func.count()).select_from(ChannelChoice)) == 5
    bad = client.post("/reminders/channels?token=nonsense", data=_all_channels())
    assert bad.status_code in (400, 410)

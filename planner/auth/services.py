"""Sign-up, sign-in with throttling, invites and password resets."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app, render_template
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import CursorResult, func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from planner import mail
from planner.auth import throttle
from planner.domain.refusal import Refused, Throttled
from planner.extensions import db
from planner.i18n import _, current_language, in_language
from planner.models import Household, Invite, Member, utcnow
from planner.models.household import new_session_secret
from planner.tokens import hash_token
from planner.urls import absolute_url

INVITE_DAYS = 7
RESET_MAX_AGE = 3600
WELCOME_DAYS = 7  # a restored member's link to choose their first password
THROTTLE_FAILURES = 5  # attempts on one account before each further one must wait
# Per account: 5 attempts, then a wait of 30 s doubling up to 15 minutes; never a lock-out.
ACCOUNT = throttle.Limit(
    "email:", THROTTLE_FAILURES, timedelta(seconds=30), timedelta(minutes=15), timedelta(days=1)
)
# Per address (the real client behind PLANNER_TRUSTED_PROXIES proxies): 10 failures.
ADDRESS = throttle.Limit("addr:", 10, timedelta(minutes=1), timedelta(hours=1), timedelta(days=1))
# Reset emails: 3 to one email address, 10 asked for from one address, then waits.
RESET_TARGET = throttle.Limit(
    "reset-email:", 3, timedelta(minutes=15), timedelta(hours=6), timedelta(days=1)
)
RESET_ADDRESS = throttle.Limit(
    "reset-addr:", 10, timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)
)
MEMBER_COLOURS = ("#3d7ea6", "#c0643c", "#5b8c5a", "#8e6bb5", "#b5893b", "#3b9c9c")
# Compared against when the email is unknown, so a miss costs as much as a hit.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


LINK_PROBLEM = 410  # an invite or reset link that is used, expired or not ours


def session_id(member: Member) -> str:
    """What the session and remember-me cookies hold: the id, a fingerprint of the password
    hash and one of the member's session secret. A password change or reset, or signing
    out (a new secret), ends every session made before it."""
    return f"{member.id}:{_fingerprint(member.password_hash)}{_secret_fingerprint(member)}"


def _fingerprint(password_hash: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, password_hash.encode(), hashlib.sha256).hexdigest()[:20]


def _secret_fingerprint(member: Member) -> str:
    return _fingerprint(f"session-secret:{member.session_secret}")


def split_session_id(value: str | None) -> tuple[int, str] | None:
    member_id, _, fingerprint = (value or "").partition(":")
    if not member_id.isascii() or not member_id.isdigit() or len(member_id) > 10 or not fingerprint:
        return None
    return int(member_id), fingerprint


def session_matches(
    password_hash: str, fingerprint: str, session_secret: str | None = None
) -> bool:
    """Whether a session's fingerprint is the member's current one. Without `session_secret`
    only the password part is compared (a reader that selects the hash alone)."""
    expected = _fingerprint(password_hash)
    if session_secret is None:
        return hmac.compare_digest(expected, fingerprint[: len(expected)])
    expected += _fingerprint(f"session-secret:{session_secret}")
    return hmac.compare_digest(expected, fingerprint)


def load_member(value: str) -> Member | None:
    """Flask-Login's loader (session and remember-me cookie): the member, unless they signed
    out or changed their password since this session began."""
    parts = split_session_id(value)
    if parts is None:
        return None
    member_id, fingerprint = parts
    member = db.session.get(Member, member_id)
    if member is None or not session_matches(
        member.password_hash, fingerprint, member.session_secret
    ):
        return None
    return member


def end_sessions(member: Member) -> None:
    """Every session and remember-me cookie of this member stops working at once (the
    request's own session is signed in again by the caller when it should stay)."""
    member.session_secret = new_session_secret()
    db.session.flush()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def email_taken(email: str) -> bool:
    return (
        db.session.scalar(select(Member.id).where(Member.email == normalise_email(email)))
        is not None
    )


def create_household(
    household_name: str, display_name: str, email: str, password: str, timezone: str
) -> Member:
    if email_taken(email):
        raise Refused(_("That email already has an account. Sign in instead."), "email")
    household = Household(name=household_name.strip(), timezone=timezone)
    member = Member(
        household=household,
        display_name=display_name.strip(),
        email=normalise_email(email),
        password_hash=generate_password_hash(password),
        colour=MEMBER_COLOURS[0],
        language=current_language(),
    )
    db.session.add_all([household, member])
    db.session.flush()
    return member


def authenticate(email: str, password: str, address: str) -> Member:
    """Return the member, or refuse. Attempts count per account and per address (the
    shared screen passes its own), each with a growing wait (planner.auth.throttle); a
    right password forgets the account's attempts but not the address's failures."""
    email = normalise_email(email)
    account, place = (ACCOUNT, ACCOUNT.key(email)), (ADDRESS, ADDRESS.key(address))
    throttle.count_attempt([account, place], utcnow(), _("Too many attempts."), "password")
    member = db.session.scalar(select(Member).where(Member.email == email))
    ok = check_password_hash(member.password_hash if member else _DUMMY_HASH, password)
    if member is None or not ok:
        raise Refused(_("That email and password don't match."), "password")
    throttle.settle_success(forget=account[1], refund=place)
    return member


def check_current_password(member: Member, password: str, field: str) -> bool:
    """A signed-in member's password check (changing it): it counts against the account
    as a sign-in does, so a borrowed session is no way round the throttle."""
    account = ACCOUNT.key(member.email)
    throttle.count_attempt([(ACCOUNT, account)], utcnow(), _("Too many attempts."), field)
    if not check_password_hash(member.password_hash, password):
        return False
    throttle.settle_success(forget=account)
    return True


def create_invite(inviter: Member, email: str) -> tuple[Invite, str]:
    email = normalise_email(email)
    if email_taken(email):
        raise Refused(_("That email already belongs to a member of a household."), "email")
    token = secrets.token_urlsafe(32)
    invite = Invite(
        household_id=inviter.household_id,
        invited_by_id=inviter.id,
        email=email,
        token_hash=hash_token(token),
        expires_at=utcnow() + timedelta(days=INVITE_DAYS),
    )
    db.session.add(invite)
    db.session.flush()
    link = absolute_url("auth.join", token=token)
    context = {"inviter": inviter, "link": link, "days": INVITE_DAYS}
    try:
        mail.send(
            to=email,
            subject=_("%(name)s invited you to plan your week together", name=inviter.display_name),
            text=render_template("auth/email/invite.txt", **context),
            html=render_template("auth/email/invite.html", **context),
        )
    except mail.MailError as exc:
        current_app.logger.warning("Invite email not sent: %s", exc)
    return invite, link


def find_open_invite(token: str) -> Invite:
    invite = db.session.scalar(select(Invite).where(Invite.token_hash == hash_token(token)))
    if invite is None:
        raise Refused(_("This invite link isn't valid. Ask for a new one."), status=LINK_PROBLEM)
    if invite.used_at is not None:
        raise Refused(_("This invite has already been used. Sign in instead."), status=LINK_PROBLEM)
    if invite.expires_at <= utcnow():
        raise Refused(
            _("This invite has expired. Ask your partner to send a new one."), status=LINK_PROBLEM
        )
    return invite


def accept_invite(token: str, display_name: str, password: str) -> Member:
    invite = find_open_invite(token)
    # Spend the invite first, in one conditional statement: of two people accepting it at
    # once, the second waits for the first's commit and then finds it used.
    spent = db.session.execute(
        update(Invite)
        .where(Invite.id == invite.id, Invite.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    assert isinstance(spent, CursorResult)  # what an UPDATE gives
    if spent.rowcount != 1:
        raise Refused(_("This invite has already been used. Sign in instead."), status=LINK_PROBLEM)
    if email_taken(invite.email):
        raise Refused(_("That email already has an account. Sign in instead."), status=LINK_PROBLEM)
    used = db.session.execute(
        select(func.count(Member.id)).where(Member.household_id == invite.household_id)
    ).scalar_one()
    member = Member(
        household_id=invite.household_id,
        display_name=display_name.strip(),
        email=invite.email,
        password_hash=generate_password_hash(password),
        colour=MEMBER_COLOURS[used % len(MEMBER_COLOURS)],
        language=current_language(),
    )
    db.session.add(member)
    db.session.flush()
    return member


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def make_reset_token(member: Member) -> str:
    # The hash fragment makes the link single-use: a new password changes it.
    return _reset_serializer().dumps({"m": member.id, "h": member.password_hash[-16:]})


def make_welcome_token(member: Member) -> str:
    """A reset link that works for WELCOME_DAYS: a restored member's first password."""
    return _reset_serializer().dumps(
        {"m": member.id, "h": member.password_hash[-16:], "w": WELCOME_DAYS}
    )


def send_password_reset(email: str, address: str) -> None:
    """Email a reset link. Refused (Throttled) when one address asks too often; a target
    asked for too often gets no more emails, silently: the answer is the same whether the
    email has an account, was throttled or not, so it gives no hint of who has one."""
    email = normalise_email(email)
    now = utcnow()
    throttle.count_attempt(
        [(RESET_ADDRESS, RESET_ADDRESS.key(address))], now, _("Too many reset requests."), "email"
    )
    try:
        throttle.count_attempt([(RESET_TARGET, RESET_TARGET.key(email))], now, "", "email")
    except Throttled:
        return
    member = db.session.scalar(select(Member).where(Member.email == email))
    if member is None:
        return
    link = absolute_url("auth.reset_password", token=make_reset_token(member))
    context = {"member": member, "link": link}
    try:
        with in_language(member.language):  # the member's own, not the asker's browser's
            subject = _("Reset your Planner password")
            text = render_template("auth/email/reset.txt", **context)
            html = render_template("auth/email/reset.html", **context)
        mail.send(to=member.email, subject=subject, text=text, html=html)
    except mail.MailError as exc:
        current_app.logger.warning("Reset email not sent: %s", exc)


def member_for_reset_token(token: str) -> Member:
    max_age = current_app.config.get("PASSWORD_RESET_MAX_AGE", RESET_MAX_AGE)
    try:
        data, signed_at = _reset_serializer().loads(
            token, max_age=max(max_age, WELCOME_DAYS * 86400), return_timestamp=True
        )
        welcome = isinstance(data, dict) and data.get("w") == WELCOME_DAYS
        if not welcome and (utcnow() - signed_at).total_seconds() > max_age:
            raise SignatureExpired("a reset link past its hour")
    except SignatureExpired as exc:
        raise Refused(
            _("This reset link has expired. Ask for a new one."), status=LINK_PROBLEM
        ) from exc
    except BadSignature as exc:
        raise Refused(
            _("This reset link isn't valid. Ask for a new one."), status=LINK_PROBLEM
        ) from exc
    member = db.session.get(Member, data.get("m")) if isinstance(data, dict) else None
    if member is None:  # the account (or its household) was deleted since
        raise Refused(_("This link no longer works. Ask for a new one."), status=LINK_PROBLEM)
    if member.password_hash[-16:] != data.get("h"):
        raise Refused(
            _("This reset link has already been used. Ask for a new one."), status=LINK_PROBLEM
        )
    return member


def set_password(member: Member, password: str) -> None:
    member.password_hash = generate_password_hash(password)
    end_sessions(member)

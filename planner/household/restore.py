"""Restoring an export into a member's empty new household (the upload on the household
page): the document's household replaces the empty one, the member becomes the
document's member with their email, and every other member is emailed a link to choose
a password, all in the request's one transaction."""

from __future__ import annotations

from sqlalchemy import delete, func, select, update

from planner.auth.services import WELCOME_DAYS, make_welcome_token
from planner.database import claim
from planner.domain.refusal import Refused
from planner.domain.vocabulary import ReminderKind
from planner.export import read_document, restore_household
from planner.extensions import db
from planner.household.removal import delete_household, is_empty
from planner.i18n import _, _l, _n, in_language
from planner.models import ChannelChoice, Household, Invite, Member, PushSubscription, utcnow
from planner.reminders import emails, outbox
from planner.urls import absolute_url

NOT_EMPTY = _l(
    "A file can only be restored into a new household with nothing in it yet. "
    "This one already has members or things entered, so nothing was changed. "
    "Leave this household; you'll start in an empty one where you can restore."
)

# Households are couples or small families; each other member is emailed a link.
WEB_MOST_MEMBERS = 5
RESTORED = _l(
    "This household was just restored from a file (by a second click, perhaps): nothing more "
    "was changed."
)


def restore_into_empty(member: Member, data: bytes) -> Household:
    """The household in `data` (an export file) in place of the member's empty one.

    Refuses, changing nothing, when the household is not empty or the file is wrong."""
    empty = member.household
    # A second "Restore" at the same moment waits here, then finds the household gone.
    member_id, empty_id = member.id, empty.id
    db.session.flush()
    claim(db.session, empty)
    db.session.expire_all()
    still = db.session.scalar(
        select(Member.id).where(Member.id == member_id, Member.household_id == empty_id)
    )
    if still is None:
        raise Refused(str(RESTORED), "file", status=409)
    if not is_empty(empty):
        raise Refused(str(NOT_EMPTY), "file", status=409)
    document = read_document(data)
    unspoken = _without_language(document)
    # The member's own choices come from the file; their devices come along.
    db.session.execute(delete(ChannelChoice).where(ChannelChoice.member_id == member.id))
    household = restore_household(document, keep=member)
    _check_others(household, member)
    db.session.execute(
        update(PushSubscription)
        .where(PushSubscription.member_id == member.id)
        .values(household_id=household.id)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    delete_household(empty)
    for other in household.members:
        if other.id != member.id:
            if other.email in unspoken:  # the best guess: the language of who brought them
                other.language = member.language
            _invite_back(member, other, household)
    return household


def _without_language(document: object) -> set[str]:
    """The emails (as stored) of the file's members it gives no language for."""
    members = document.get("members") if isinstance(document, dict) else None
    return {
        record["email"].strip().lower()
        for record in (members if isinstance(members, list) else ())
        if isinstance(record, dict)
        and isinstance(record.get("email"), str)
        and not record.get("language")
    }


def _check_others(household: Household, me: Member) -> None:
    """Each other member becomes an account here, emailed a link: so a web upload brings a
    household's few members (the command line keeps the format's limit), and no address
    another household has invited (their invite must still work). A refusal rolls back
    the restore."""
    members = sorted(household.members, key=lambda m: m.id)
    if len(members) > WEB_MOST_MEMBERS:
        raise Refused(
            _n(
                "This file has %(num)d member; a household restored here has at most "
                "%(most)d. Nothing was changed.",
                "This file has %(num)d members; a household restored here has at most "
                "%(most)d. Nothing was changed.",
                len(members),
                most=WEB_MOST_MEMBERS,
            ),
            "file",
        )
    for index, other in enumerate(members):
        invited = other.id != me.id and db.session.scalar(
            select(Invite.id)
            .where(
                func.lower(Invite.email) == other.email,
                Invite.household_id != household.id,
                Invite.used_at.is_(None),
                Invite.expires_at > utcnow(),
            )
            .limit(1)
        )
        if invited:
            raise Refused(
                _(
                    "%(place)s (%(email)s, %(name)s) is invited to another household here, so "
                    "it can't come with this file. Nothing was changed.",
                    place=f"members[{index}].email",
                    email=other.email,
                    name=other.display_name,
                ),
                "file",
            )


def _invite_back(by: Member, member: Member, household: Household) -> None:
    """The welcome email, in the member's language."""
    link = absolute_url("auth.reset_password", token=make_welcome_token(member))
    with in_language(member.language):
        lines = (
            _(
                "%(by)s (%(email)s) brought %(household)s to this Planner, with everything in "
                "it, and you are one of its members.",
                by=by.display_name,
                email=by.email,
                household=household.name,
            ),
            _n(
                "Choose a password to sign in as %(email)s. The link works once, for %(num)d "
                "day; after that, use “Forgot your password?” on the sign-in page.",
                "Choose a password to sign in as %(email)s. The link works once, for %(num)d "
                "days; after that, use “Forgot your password?” on the sign-in page.",
                WELCOME_DAYS,
                email=member.email,
            ),
            _(
                "If you don't know %(by)s, ignore this email: nothing happens unless you "
                "choose a password.",
                by=by.display_name,
            ),
        )
        subject = _("Choose your Planner password")
        payload = emails.notice_payload(member, subject, lines, link)
    outbox.queue_notice(ReminderKind.WELCOME, member, f"restored:{household.id}", payload)

"""Which channels one reminder goes out on, from a member's choice and their devices."""

from __future__ import annotations

from planner.domain.vocabulary import ReminderChannel


def channels(email: bool, push: bool, has_device: bool) -> tuple[ReminderChannel, ...]:
    """Email and/or a phone notification, as the member chose.

    A notification needs a device where notifications are on; without one, and if the
    member somehow chose neither, the reminder comes by email so nothing is lost.
    """
    chosen: list[ReminderChannel] = []
    if email:
        chosen.append(ReminderChannel.EMAIL)
    if push and has_device:
        chosen.append(ReminderChannel.PUSH)
    return tuple(chosen) or (ReminderChannel.EMAIL,)

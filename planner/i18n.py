"""The member's language: which one a request speaks, and dates and times in it.

Words go through gettext: `_` (now), `_n` (with a count), `_l` (lazily, for text defined at
import time such as form labels and module constants). Pages speak the signed-in member's
language, or the browser's before anyone signs in; an email, a phone notification or a feed
speaks its recipient's (`in_language`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_time, match_skeleton
from flask import Flask, has_request_context, request
from flask_babel import Babel, force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext as _n
from flask_login import current_user

__all__ = ["_", "_l", "_n", "N_", "LANGUAGES", "gettext", "in_language", "moment", "weekday_names"]

gettext = _


def N_(text: str) -> str:
    """Marks `text` for the catalogues where it is kept as English and translated later,
    where it is shown (`_(text)`)."""
    return text


# The languages a member can choose, each named in itself.
LANGUAGES = {"en": "English", "de": "Deutsch", "es": "Español"}
DEFAULT_LANGUAGE = "en"
# How each language writes dates and times: English as in Britain (Monday 3 November, 18:05).
_REGION = {"en": "en_GB", "de": "de_DE", "es": "es_ES"}

# Named styles of a date or time, as CLDR skeletons the locale orders and punctuates itself
# ("Mon 3 Nov", "Mo., 3. Nov.", "lun, 3 nov"). A skeleton asking for the full weekday (EEEE)
# keeps it full.
STYLES = {
    "weekday": "EEEE",
    "weekday_short": "E",
    "time": "Hm",
    "day": "MMMEd",
    "long_day": "MMMMEEEEd",
    "date": "MMMd",
    "long_date": "MMMMd",
    "year_date": "yMMMMd",
    "short_year_date": "yMMMd",
    "month": "MMM",
    "weekday_time": "EHm",
    "long_weekday_time": "EEEEHm",
    "day_time": "MMMEdHm",
    "long_day_time": "MMMMEEEEdHm",
}
_TIME_FIELDS = re.compile(r"[Hm]+$")


def language_of_request() -> str:
    """The signed-in member's language, else the best of the browser's Accept-Language."""
    if current_user and current_user.is_authenticated:
        chosen = getattr(current_user, "language", None)
        if chosen in LANGUAGES:
            return chosen
    return browser_language()


def browser_language() -> str:
    if not has_request_context():
        return DEFAULT_LANGUAGE
    return request.accept_languages.best_match(LANGUAGES, DEFAULT_LANGUAGE)


def current_language() -> str:
    return str(get_locale() or DEFAULT_LANGUAGE)


@contextmanager
def in_language(language: str | None) -> Iterator[None]:
    """Words, dates and times in `language` (a recipient's) for the block."""
    with force_locale(language if language in LANGUAGES else DEFAULT_LANGUAGE):
        yield


@cache
def _pattern(style: str, language: str) -> str:
    locale = Locale.parse(_REGION[language])
    skeleton = STYLES[style]
    whole = _matched(skeleton, locale)
    if whole is not None:
        return whole
    # No pattern of the locale has both: its date and its time, joined as it joins them.
    date_part = _TIME_FIELDS.sub("", skeleton)
    time_part = skeleton[len(date_part) :]
    found = [_matched(part, locale, exact=False) for part in (date_part, time_part)]
    joined = str(locale.datetime_formats["medium"])
    return joined.replace("{1}", found[0] or "").replace("{0}", found[1] or "")


def _matched(skeleton: str, locale: Locale, exact: bool = True) -> str | None:
    """The locale's pattern for `skeleton`, widened to the month and weekday widths asked
    for (CLDR matches "MMMMd" with "MMMd"); None when `exact` and a field is missing."""
    key = match_skeleton(skeleton, locale.datetime_skeletons)
    if key is None or (exact and set(key) != set(skeleton)):
        return None
    pattern = locale.datetime_skeletons[key].pattern
    for letters in ("ML", "Ec"):
        if skeleton.count(letters[0]) >= 4:
            pattern = re.sub(f"[{letters}]+", lambda m: m.group(0)[0] * 4, pattern)
    if skeleton == "MMM":
        pattern = "LLL"  # the month standing alone ("Nov", "nov.")
    return pattern


def moment(
    value: date | datetime | time | None, style: str = "day_time", tz: ZoneInfo | None = None
) -> str:
    """A date or time in the current language; an aware datetime is shown in `tz` (the
    household's zone by default, when someone is signed in)."""
    if value is None:
        return ""
    language = current_language()
    locale = _REGION.get(language, _REGION[DEFAULT_LANGUAGE])
    pattern = _pattern(style, language if language in _REGION else DEFAULT_LANGUAGE)
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            tz = tz or _household_zone()
            if tz is not None:
                value = value.astimezone(tz)
        return format_datetime(value, pattern, locale=locale)
    if isinstance(value, time):
        return format_time(value, pattern, locale=locale)
    return format_date(value, pattern, locale=locale)


def _household_zone() -> ZoneInfo | None:
    if has_request_context() and current_user and current_user.is_authenticated:
        return ZoneInfo(current_user.household.timezone)
    return None


def weekday_names(width: str = "wide") -> list[str]:
    """Monday first, in the current language."""
    names = Locale.parse(_REGION.get(current_language(), "en_GB")).days["format"][width]
    return [names[i] for i in range(7)]


def register(app: Flask) -> None:
    Babel(app, locale_selector=language_of_request)
    # {% trans %} blocks are one line however the template wraps them (babel.cfg agrees).
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.filters["moment"] = moment
    app.jinja_env.globals["LANGUAGES"] = LANGUAGES
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.globals["weekday_names"] = weekday_names

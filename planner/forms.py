"""Form fields and validators shared by several features."""

from __future__ import annotations

from collections.abc import MutableMapping
from functools import cache
from typing import Any, TypeVar
from zoneinfo import available_timezones

from email_validator import EmailNotValidError, validate_email
from flask_babel import LazyString
from flask_wtf import FlaskForm
from wtforms import Field, PasswordField, StringField, TextAreaField, ValidationError
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3, newer than types-WTForms 3.2: features import it from here
from wtforms.form import BaseForm
from wtforms.meta import DefaultMeta
from wtforms.validators import DataRequired, InputRequired, Length

from planner.domain.refusal import Refused
from planner.domain.text import clean_text
from planner.i18n import _, _l, weekday_names


def _weekday(index: int) -> LazyString:
    """A weekday's name, in the language of the page it is shown on."""
    return LazyString(lambda: weekday_names()[index])


WEEKDAY_CHOICES = [SelectChoice(i, _weekday(i)) for i in range(7)]


class _CleanTextMeta(DefaultMeta):
    def bind_field(
        self, form: BaseForm, unbound_field: Any, options: MutableMapping[str, Any]
    ) -> Any:
        field: Field = super().bind_field(form, unbound_field, options)
        if isinstance(field, StringField) and not isinstance(field, PasswordField):
            multiline = isinstance(field, TextAreaField)
            field.filters = (lambda v: clean_text(v, multiline), *field.filters)
            # Required text must have something left once cleaned: "   " is no name.
            field.validators = [
                DataRequired(v.message) if isinstance(v, InputRequired) else v
                for v in field.validators
            ]
        return field


class PlannerForm(FlaskForm):
    """Every form's base: CSRF (Flask-WTF) and the one cleaning rule for typed text."""

    class Meta(_CleanTextMeta, FlaskForm.Meta):
        pass


T = TypeVar("T")


def required(data: T | None) -> T:
    """A required field's data once its form has validated: its validators saw it given."""
    if data is None:
        raise ValueError("A required field has no data: validate the form first.")
    return data


def int_or_none(value) -> int | None:
    """A whole number typed or posted as text (such as an id), else None; never raises."""
    text = "" if value is None else str(value)
    digits = text[1:] if text.startswith("-") else text
    return int(text) if digits.isascii() and digits.isdigit() else None


@cache
def timezone_names() -> tuple[str, ...]:
    return tuple(sorted(z for z in available_timezones() if "/" in z or z == "UTC"))


# The zone field offers every name as a searchable list (templates/_timezones.html);
# on sign-up, app.js puts the browser's own zone in while the field is untouched.
TIMEZONE_LIST = {"list": "timezones", "autocomplete": "off", "spellcheck": "false"}


def valid_timezone(form, field) -> None:
    if field.data not in timezone_names():
        raise ValidationError(_("Pick a time zone from the list, such as Europe/London."))


def email_field_validators() -> list:
    """An address mail can reach, kept in its normal form (Unicode NFC, canonical domain).

    Refused, because no server has to accept them: anything email_validator finds wrong
    (quoted or IP-literal addresses, reserved or dotless domains, domains with no IDNA form,
    over 254 bytes) and more than 64 bytes before the @ (RFC 5321 4.5.3.1.1). Accepted:
    non-ASCII before the @, which servers offering SMTPUTF8 deliver (mail.py sends them
    there, and fails just that message, clearly, elsewhere). No DNS lookup: a domain
    without mail servers today may have them tomorrow.
    """

    def deliverable(form, field) -> None:
        try:
            address = validate_email(
                field.data,
                allow_smtputf8=True,
                allow_empty_local=False,
                allow_quoted_local=False,
                allow_domain_literal=False,
                allow_display_name=False,
                globally_deliverable=True,
                test_environment=False,
                check_deliverability=False,
            )
        except EmailNotValidError as exc:
            # email_validator's reason stays in English: it has no translations.
            message = _(
                "Enter a valid email address, like name@example.com. %(reason)s", reason=str(exc)
            )
            raise ValidationError(message) from exc
        if len(address.local_part.encode()) > 64:
            raise ValidationError(
                _(
                    "This address can't receive email: the part before the @ is too long "
                    "(at most 64 letters, fewer if some are accented), so mail servers may "
                    "refuse it."
                )
            )
        field.data = address.normalized  # the form sign-up, invite and profile save

    return [InputRequired(_l("Enter an email address.")), Length(max=254), deliverable]


def password_validators() -> list:
    return [
        InputRequired(_l("Choose a password.")),
        Length(min=10, max=200, message=_l("Use at least 10 characters.")),
    ]


def show_refusal(form, refused: Refused, field: str | None = None) -> str | None:
    """Put a refusal's message beside the field it belongs to (or `field`); returns the
    message when the form has no such field, for the caller to show on the page."""
    name = refused.field if refused.field and form is not None and refused.field in form else field
    if form is None or not name or name not in form:
        return refused.message
    form[name].errors = [*form[name].errors, refused.message]
    return None

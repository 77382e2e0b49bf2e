"""Form fields and validators shared by several features."""

from __future__ import annotations

from collections.abc import MutableMapping
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from flask_wtf import FlaskForm
from wtforms import Field, PasswordField, StringField, TextAreaField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.form import BaseForm
from wtforms.meta import DefaultMeta
from wtforms.validators import DataRequired, Email, InputRequired, Length

from planner.domain.refusal import Refused
from planner.domain.text import clean_text
from planner.templating import WEEKDAYS

WEEKDAY_CHOICES = [SelectChoice(i, name) for i, name in enumerate(WEEKDAYS)]


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


def int_or_none(value) -> int | None:
    """A whole number typed or posted as text (such as an id), else None; never raises."""
    text = "" if value is None else str(value)
    digits = text[1:] if text.startswith("-") else text
    return int(text) if digits.isascii() and digits.isdigit() else None


@cache
def timezone_names() -> tuple[str, ...]:
    return tuple(sorted(z for z in available_timezones() if "/" in z or z == "UTC"))


def valid_timezone(form, field) -> None:
    if field.data not in timezone_names():
        raise ValidationError("Pick a time zone from the list, such as Europe/London.")


def email_field_validators() -> list:
    return [
        InputRequired("Enter an email address."),
        Email("Enter a valid email address, like name@example.com.", check_deliverability=False),
        Length(max=254),
    ]


def password_validators() -> list:
    return [
        InputRequired("Choose a password."),
        Length(min=10, max=200, message="Use at least 10 characters."),
    ]


def show_refusal(form, refused: Refused, field: str | None = None) -> str | None:
    """Put a refusal's message beside the field it belongs to (or `field`); returns the
    message when the form has no such field, for the caller to show on the page."""
    name = refused.field if refused.field and form is not None and refused.field in form else field
    if form is None or not name or name not in form:
        return refused.message
    form[name].errors = [*form[name].errors, refused.message]
    return None

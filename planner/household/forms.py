from flask_wtf.file import FileField, FileRequired
from wtforms import (
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TimeField,
)
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, NumberRange, Regexp

from planner.forms import (
    TIMEZONE_LIST,
    WEEKDAY_CHOICES,
    PlannerForm,
    SelectChoice,
    email_field_validators,
    password_validators,
    valid_timezone,
)
from planner.i18n import LANGUAGES, _l, weekday_names


class HouseholdForm(PlannerForm):
    name = StringField(
        _l("Household name"), [InputRequired(_l("Give your household a name.")), Length(max=80)]
    )
    timezone = StringField(
        _l("Time zone"),
        [InputRequired(_l("Pick a time zone.")), valid_timezone],
        render_kw={**TIMEZONE_LIST},
    )
    week_start = SelectField(_l("Weeks start on"), choices=WEEKDAY_CHOICES, coerce=int)
    planning_weekday = SelectField(_l("Planning day"), choices=WEEKDAY_CHOICES, coerce=int)
    planning_time = TimeField(_l("Planning time"), [InputRequired(_l("Pick a time, like 19:00."))])
    planning_minutes = IntegerField(
        _l("Planning length (minutes)"),
        [
            InputRequired(_l("How long is the session?")),
            NumberRange(10, 180, _l("Between 10 and 180 minutes.")),
        ],
    )
    base = HiddenField()  # the settings as they were when the form was opened

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The weekdays in the member's language (the same values, Monday first).
        days = [SelectChoice(i, name) for i, name in enumerate(weekday_names())]
        self.week_start.choices = self.planning_weekday.choices = days


class InviteForm(PlannerForm):
    email = EmailField(_l("Partner's email"), email_field_validators())


class ProfileForm(PlannerForm):
    display_name = StringField(
        _l("Your name"), [InputRequired(_l("Tell us your name.")), Length(max=60)]
    )
    email = EmailField(_l("Email"), email_field_validators())
    colour = StringField(
        _l("Colour"),
        [
            InputRequired(_l("Pick a colour.")),
            Regexp(regex=r"^#[0-9a-fA-F]{6}\Z", message=_l("Use a colour like #3d7ea6.")),
        ],
    )
    language = SelectField(
        _l("Language"),
        choices=[SelectChoice(code, name) for code, name in LANGUAGES.items()],
        # A form without the field (an older page still open) keeps the member's language.
        validators=[DataRequired(_l("Choose a language."))],
    )


class PasswordChangeForm(PlannerForm):
    current_password = PasswordField(
        _l("Current password"), [InputRequired(_l("Enter your current password."))]
    )
    password = PasswordField(_l("New password"), password_validators())
    confirm = PasswordField(
        _l("New password again"),
        [
            InputRequired(_l("Type the password again.")),
            EqualTo(fieldname="password", message=_l("The passwords don't match.")),
        ],
    )


class RestoreForm(PlannerForm):
    file = FileField(
        _l("Export file (.json)"), [FileRequired(_l("Choose an export file to upload."))]
    )


class LeaveForm(PlannerForm):
    """Only the confirmation (and its CSRF token)."""


class DeleteHouseholdForm(PlannerForm):
    name = StringField(
        _l("Type the household's name"),
        [InputRequired(_l("Type the household's name to delete it."))],
    )


class DeleteAccountForm(PlannerForm):
    password = PasswordField(
        _l("Your password"), [InputRequired(_l("Type your password to delete your account."))]
    )

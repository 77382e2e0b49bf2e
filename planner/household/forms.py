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
from planner.i18n import LANGUAGES


class HouseholdForm(PlannerForm):
    name = StringField(
        "Household name", [InputRequired("Give your household a name."), Length(max=80)]
    )
    timezone = StringField(
        "Time zone",
        [InputRequired("Pick a time zone."), valid_timezone],
        render_kw={**TIMEZONE_LIST},
    )
    week_start = SelectField("Weeks start on", choices=WEEKDAY_CHOICES, coerce=int)
    planning_weekday = SelectField("Planning day", choices=WEEKDAY_CHOICES, coerce=int)
    planning_time = TimeField("Planning time", [InputRequired("Pick a time, like 19:00.")])
    planning_minutes = IntegerField(
        "Planning length (minutes)",
        [
            InputRequired("How long is the session?"),
            NumberRange(10, 180, "Between 10 and 180 minutes."),
        ],
    )
    base = HiddenField()  # the settings as they were when the form was opened


class InviteForm(PlannerForm):
    email = EmailField("Partner's email", email_field_validators())


class ProfileForm(PlannerForm):
    display_name = StringField("Your name", [InputRequired("Tell us your name."), Length(max=60)])
    email = EmailField("Email", email_field_validators())
    colour = StringField(
        "Colour",
        [
            InputRequired("Pick a colour."),
            Regexp(r"^#[0-9a-fA-F]{6}\Z", message="Use a colour like #3d7ea6."),
        ],
    )
    language = SelectField(
        "Language",
        choices=[SelectChoice(code, name) for code, name in LANGUAGES.items()],
        # A form without the field (an older page still open) keeps the member's language.
        validators=[DataRequired("Choose a language.")],
    )


class PasswordChangeForm(PlannerForm):
    current_password = PasswordField(
        "Current password", [InputRequired("Enter your current password.")]
    )
    password = PasswordField("New password", password_validators())
    confirm = PasswordField(
        "New password again",
        [
            InputRequired("Type the password again."),
            EqualTo("password", "The passwords don't match."),
        ],
    )


class RestoreForm(PlannerForm):
    file = FileField("Export file (.json)", [FileRequired("Choose an export file to upload.")])


class LeaveForm(PlannerForm):
    """Only the confirmation (and its CSRF token)."""


class DeleteHouseholdForm(PlannerForm):
    name = StringField(
        "Type the household's name", [InputRequired("Type the household's name to delete it.")]
    )


class DeleteAccountForm(PlannerForm):
    password = PasswordField(
        "Your password", [InputRequired("Type your password to delete your account.")]
    )

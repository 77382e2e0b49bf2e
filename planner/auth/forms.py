from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired, Length

from planner.forms import (
    TIMEZONE_LIST,
    PlannerForm,
    email_field_validators,
    password_validators,
    valid_timezone,
)


class SignupForm(PlannerForm):
    household_name = StringField(
        "Household name", [InputRequired("Give your household a name."), Length(max=80)]
    )
    display_name = StringField("Your name", [InputRequired("Tell us your name."), Length(max=60)])
    email = EmailField("Email", email_field_validators())
    password = PasswordField("Password", password_validators())
    timezone = StringField(
        "Time zone",
        [InputRequired("Pick a time zone."), valid_timezone],
        render_kw={**TIMEZONE_LIST, "data-browser-zone": ""},
    )


class LoginForm(PlannerForm):
    email = EmailField("Email", email_field_validators())
    password = PasswordField("Password", [InputRequired("Enter your password.")])
    remember = BooleanField("Keep me signed in on this device")


class JoinForm(PlannerForm):
    display_name = StringField("Your name", [InputRequired("Tell us your name."), Length(max=60)])
    password = PasswordField("Password", password_validators())
    confirm = PasswordField(
        "Password again",
        [
            InputRequired("Type the password again."),
            EqualTo("password", "The passwords don't match."),
        ],
    )


class ResetRequestForm(PlannerForm):
    email = EmailField("Email", email_field_validators())


class ResetPasswordForm(PlannerForm):
    password = PasswordField("New password", password_validators())
    confirm = PasswordField(
        "New password again",
        [
            InputRequired("Type the password again."),
            EqualTo("password", "The passwords don't match."),
        ],
    )

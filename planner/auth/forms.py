from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired, Length

from planner.forms import (
    TIMEZONE_LIST,
    PlannerForm,
    email_field_validators,
    password_validators,
    valid_timezone,
)
from planner.i18n import _l


class SignupForm(PlannerForm):
    household_name = StringField(
        _l("Household name"), [InputRequired(_l("Give your household a name.")), Length(max=80)]
    )
    display_name = StringField(
        _l("Your name"), [InputRequired(_l("Tell us your name.")), Length(max=60)]
    )
    email = EmailField(_l("Email"), email_field_validators())
    password = PasswordField(_l("Password"), password_validators())
    timezone = StringField(
        _l("Time zone"),
        [InputRequired(_l("Pick a time zone.")), valid_timezone],
        render_kw={**TIMEZONE_LIST, "data-browser-zone": ""},
    )


class LoginForm(PlannerForm):
    email = EmailField(_l("Email"), email_field_validators())
    password = PasswordField(_l("Password"), [InputRequired(_l("Enter your password."))])
    remember = BooleanField(_l("Keep me signed in on this device"))


class JoinForm(PlannerForm):
    display_name = StringField(
        _l("Your name"), [InputRequired(_l("Tell us your name.")), Length(max=60)]
    )
    password = PasswordField(_l("Password"), password_validators())
    confirm = PasswordField(
        _l("Password again"),
        [
            InputRequired(_l("Type the password again.")),
            EqualTo(fieldname="password", message=_l("The passwords don't match.")),
        ],
    )


class ResetRequestForm(PlannerForm):
    email = EmailField(_l("Email"), email_field_validators())


class ResetPasswordForm(PlannerForm):
    password = PasswordField(_l("New password"), password_validators())
    confirm = PasswordField(
        _l("New password again"),
        [
            InputRequired(_l("Type the password again.")),
            EqualTo(fieldname="password", message=_l("The passwords don't match.")),
        ],
    )

from flask_wtf.file import FileField, FileRequired
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from planner.forms import PlannerForm
from planner.i18n import _l


class UploadForm(PlannerForm):
    name = StringField(_l("Name"), [Length(max=80)], default=_l("My calendar"))
    file = FileField(
        _l("Calendar file (.ics)"), [FileRequired(_l("Choose an .ics file to upload."))]
    )


class SubscribeForm(PlannerForm):
    name = StringField(_l("Name"), [Length(max=80)], default=_l("My calendar"))
    url = StringField(
        _l("Calendar address"),
        [InputRequired(_l("Paste the calendar's iCal address.")), Length(max=2000)],
    )

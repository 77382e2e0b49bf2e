from flask_wtf.file import FileField, FileRequired
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from planner.forms import PlannerForm


class UploadForm(PlannerForm):
    name = StringField("Name", [Length(max=80)], default="My calendar")
    file = FileField("Calendar file (.ics)", [FileRequired("Choose an .ics file to upload.")])


class SubscribeForm(PlannerForm):
    name = StringField("Name", [Length(max=80)], default="My calendar")
    url = StringField(
        "Calendar address",
        [InputRequired("Paste the calendar's iCal address."), Length(max=2000)],
    )

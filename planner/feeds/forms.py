from wtforms import BooleanField, RadioField
from wtforms.validators import InputRequired

from planner.forms import PlannerForm, SelectChoice
from planner.i18n import _l

FEEDS = [
    SelectChoice("member", _l("Your own feed")),
    SelectChoice("household", _l("The household feed")),
]


class FeedLinkForm(PlannerForm):
    feed = RadioField(
        _l("Which feed"), choices=FEEDS, validators=[InputRequired(_l("Choose a feed."))]
    )


class DayListForm(PlannerForm):
    day_list = BooleanField(_l("Put untimed things in one all-day “today's list” per day"))

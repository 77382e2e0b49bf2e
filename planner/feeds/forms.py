from wtforms import BooleanField, RadioField
from wtforms.validators import InputRequired

from planner.forms import PlannerForm, SelectChoice

FEEDS = [SelectChoice("member", "Your own feed"), SelectChoice("household", "The household feed")]


class FeedLinkForm(PlannerForm):
    feed = RadioField("Which feed", choices=FEEDS, validators=[InputRequired("Choose a feed.")])


class DayListForm(PlannerForm):
    day_list = BooleanField("Put untimed things in one all-day “today's list” per day")

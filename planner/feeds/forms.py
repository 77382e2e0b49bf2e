from wtforms import RadioField
from wtforms.validators import InputRequired

from planner.forms import PlannerForm, SelectChoice

FEEDS = [SelectChoice("member", "Your own feed"), SelectChoice("household", "The household feed")]


class FeedLinkForm(PlannerForm):
    feed = RadioField("Which feed", choices=FEEDS, validators=[InputRequired("Choose a feed.")])

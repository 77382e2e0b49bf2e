from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

FEEDS = [SelectChoice("member", "Your own feed"), SelectChoice("household", "The household feed")]


class FeedLinkForm(FlaskForm):
    feed = RadioField("Which feed", choices=FEEDS, validators=[InputRequired("Choose a feed.")])

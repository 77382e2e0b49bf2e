"""The member's personal access tokens for the API: made, named, listed and revoked on a
page of their own beside the profile."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Length

from planner.access import get_owned_or_404
from planner.api import tokens
from planner.domain.refusal import Refused
from planner.domain.vocabulary import TokenScope
from planner.forms import PlannerForm, SelectChoice, required, show_refusal
from planner.i18n import _, _l
from planner.models import ApiToken

bp = Blueprint("api_tokens", __name__, url_prefix="/profile/tokens")

# What a token may do, in the member's words (TokenScope.label is English).
SCOPE_LABELS = {TokenScope.READ: _l("Read only"), TokenScope.READ_WRITE: _l("Read and change")}


class TokenForm(PlannerForm):
    name = StringField(
        _l("Name"),
        [InputRequired(_l("Give the token a name, like Home Assistant.")), Length(max=60)],
    )
    scope = SelectField(
        _l("It may"),
        choices=[SelectChoice(s.value, SCOPE_LABELS[s]) for s in TokenScope],
        default=TokenScope.READ.value,
    )


@bp.get("")
@login_required
def index():
    return _page(TokenForm(formdata=None))


@bp.post("")
@login_required
def create():
    form = TokenForm()
    if form.validate_on_submit():
        try:
            token, secret = tokens.create_token(
                current_user, required(form.name.data), required(form.scope.data)
            )
        except Refused as refused:
            show_refusal(form, refused, "name")
        else:
            # Shown in this answer only: never flashed (the session cookie is not secret).
            return _page(TokenForm(formdata=None), new=token, secret=secret)
    return _page(form, status=422)


@bp.post("/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    token = get_owned_or_404(ApiToken, token_id)
    if token.member_id != current_user.id:
        abort(404)  # a partner's tokens are theirs alone
    tokens.revoke(token)
    flash(_("Revoked “%(name)s”: it stopped working at once.", name=token.name), "info")
    return redirect(url_for("api_tokens.index"))


def _page(form: TokenForm, new: ApiToken | None = None, secret: str = "", status: int = 200):
    response = render_template(
        "api/tokens.html",
        form=form,
        tokens=tokens.member_tokens(current_user),
        new=new,
        secret=secret,
        scope_labels=SCOPE_LABELS,
    )
    return response, status

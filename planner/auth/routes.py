"""Sign up, sign in/out, invites to join, password resets."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from planner.auth import services
from planner.auth.forms import JoinForm, LoginForm, ResetPasswordForm, ResetRequestForm, SignupForm
from planner.domain.refusal import Refused
from planner.forms import required, show_refusal
from planner.i18n import _, in_language

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only follow same-site relative paths after sign-in.

    Browsers drop tabs and newlines inside URLs (slash, tab, slash, host reads as
    "//host"), so any whitespace or control character is refused too.
    """
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and not any(c.isspace() or not c.isprintable() for c in target)
    ):
        return target
    return url_for("today.home")


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("today.home"))
    return render_template("auth/welcome.html")


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    form = SignupForm()
    if form.validate_on_submit():
        try:
            member = services.create_household(
                required(form.household_name.data),
                required(form.display_name.data),
                required(form.email.data),
                required(form.password.data),
                required(form.timezone.data),
            )
        except Refused as refused:
            show_refusal(form, refused, "email")
        else:
            sign_in(member)
            flash(_("Welcome! Your household is ready. Invite your partner next."), "success")
            return redirect(url_for("today.home"))
    elif request.method == "GET":
        form.timezone.data = form.timezone.data or "Europe/London"
    return render_template("auth/signup.html", form=form), 422 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            member = services.authenticate(
                required(form.email.data), required(form.password.data), request.remote_addr or ""
            )
        except Refused as refused:
            show_refusal(form, refused, "password")
        else:
            sign_in(member, remember=bool(form.remember.data))
            return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


@bp.post("/logout")
@login_required
def logout():
    services.end_sessions(current_user)  # this cookie, copies of it and remember-me alike
    logout_user()
    flash(_("You're signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/join/<token>", methods=["GET", "POST"])
def join(token: str):
    try:
        invite = services.find_open_invite(token)
    except Refused as refused:
        return _link_problem(refused)
    form = JoinForm()
    if form.validate_on_submit():
        try:
            member = services.accept_invite(
                token, required(form.display_name.data), required(form.password.data)
            )
        except Refused as refused:
            return _link_problem(refused)
        logout_user()
        sign_in(member)
        flash(_("Welcome to %(household)s!", household=member.household.name), "success")
        return redirect(url_for("today.home"))
    return render_template("auth/join.html", form=form, invite=invite), 422 if form.errors else 200


@bp.route("/reset", methods=["GET", "POST"])
def request_reset():
    form = ResetRequestForm()
    if form.validate_on_submit():
        try:
            services.send_password_reset(required(form.email.data), request.remote_addr or "")
        except Refused as refused:
            show_refusal(form, refused, "email")
        else:
            flash(
                _(
                    "If that email has an account, a reset link is on its way. It works for one hour."
                ),
                "info",
            )
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form), 422 if form.errors else 200


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        member = services.member_for_reset_token(token)
    except Refused as refused:
        return _link_problem(refused)
    # Opened from the member's own email: their language, whatever this browser's is.
    with in_language(member.language):
        form = ResetPasswordForm()
        if form.validate_on_submit():
            services.set_password(member, required(form.password.data))
            flash(_("Your password is changed. Sign in with the new one."), "success")
            return redirect(url_for("auth.login"))
        page = render_template("auth/reset_password.html", form=form)
        return page, 422 if form.errors else 200


def sign_in(member, remember: bool = False) -> None:
    """Sign in with a fresh CSRF token: Flask-WTF keeps its raw token in the session and
    makes a new one when it is gone, so a token seen before sign-in is worth nothing after."""
    name = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    session.pop(name, None)
    g.pop(name, None)
    login_user(member, remember=remember)


def _link_problem(refused: Refused):
    return render_template("auth/link_problem.html", message=refused.message), refused.status

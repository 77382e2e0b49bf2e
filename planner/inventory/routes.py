"""The inventory pages: everything it takes to run the household."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from planner.access import get_owned_or_404
from planner.domain.refusal import Conflict, Refused
from planner.forms import int_or_none, required, show_refusal
from planner.i18n import _, _n
from planner.inventory import listing, services, starter
from planner.inventory.forms import ArchiveForm, AreaForm, ResponsibilityForm
from planner.models import Area, Responsibility

bp = Blueprint("inventory", __name__, url_prefix="/inventory")


@bp.context_processor
def _helpers() -> dict:
    return {"minutes_label": services.minutes_label, "cadence_text": services.cadence_text}


@bp.get("")
@login_required
def index():
    household = current_user.household
    inventory = listing.inventory_page(
        household,
        request.args.get("area"),
        request.args.get("page", type=int),
        show_archived=request.args.get("archived") == "1",
    )
    return render_template("inventory/index.html", inventory=inventory, members=household.members)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    form = _responsibility_form(None)
    if request.method == "GET":
        form.starts_on.data = current_user.household.today()
        form.area_id.data = _area_from_query(form)
    return _save_or_show(form, None)


@bp.route("/<int:responsibility_id>/edit", methods=["GET", "POST"])
@login_required
def edit(responsibility_id: int):
    responsibility = get_owned_or_404(Responsibility, responsibility_id)
    return _save_or_show(_responsibility_form(responsibility), responsibility)


def _responsibility_form(responsibility: Responsibility | None) -> ResponsibilityForm:
    household = current_user.household
    if request.method == "GET" and responsibility is not None:
        form = ResponsibilityForm(data=services.form_data(responsibility))
        form.base.data = services.responsibility_fingerprint(responsibility)
    else:
        form = ResponsibilityForm()
    form.set_choices(services.list_areas(household), household.members)
    return form


def _area_from_query(form: ResponsibilityForm) -> int | None:
    wanted = request.args.get("area", type=int)
    # set_choices gave SelectChoice objects; types-WTForms 3.2 knows only tuples.
    ids = [choice.value for choice in form.area_id.choices]  # type: ignore[union-attr]
    return wanted if wanted in ids else (ids[0] if ids else None)


def _save_or_show(form: ResponsibilityForm, responsibility: Responsibility | None):
    back = _back_url(form, responsibility)  # read before a save changes where it is listed
    if form.validate_on_submit():
        try:
            saved = services.save_responsibility(current_user.household, responsibility, form.data)
        except Conflict as conflict:
            assert responsibility is not None  # only an edit can be stale
            form.base.data = services.responsibility_fingerprint(responsibility)  # may override
            page = render_template(
                "inventory/edit.html",
                form=form,
                responsibility=responsibility,
                conflict=conflict,
                back=back,
            )
            return page, conflict.status
        except Refused as refused:
            show_refusal(form, refused, "title")
        else:
            flash(_("Saved %(title)s.", title=saved.title), "success")
            return redirect(_listed_at(saved, saved.archived_at is not None))
    status = 422 if form.errors else 200
    page = render_template(
        "inventory/edit.html", form=form, responsibility=responsibility, back=back
    )
    return page, status


def _listed_at(responsibility: Responsibility, show_archived: bool) -> str:
    """The inventory page that lists it (its area, the page it falls on), at its row."""
    params = listing.place_of(responsibility, show_archived)
    return url_for("inventory.index", _anchor=f"r-{responsibility.id}", **params)


def _back_url(form: ResponsibilityForm, responsibility: Responsibility | None) -> str:
    """Cancel leads back to where it is listed; for a new one, to the area chosen."""
    if responsibility is not None:
        return _listed_at(responsibility, responsibility.archived_at is not None)
    areas = services.list_areas(current_user.household)
    return url_for("inventory.index", **listing.page_params(areas, form.area_id.data))


@bp.post("/<int:responsibility_id>/archive")
@login_required
def archive(responsibility_id: int):
    responsibility = get_owned_or_404(Responsibility, responsibility_id)
    services.set_archived(responsibility, True)
    flash(
        _(
            "Archived %(title)s. Its history stays; you can bring it back.",
            title=responsibility.title,
        ),
        "info",
    )
    return redirect(_listed_at(responsibility, _showing_archived()))


@bp.post("/<int:responsibility_id>/unarchive")
@login_required
def unarchive(responsibility_id: int):
    responsibility = get_owned_or_404(Responsibility, responsibility_id)
    services.set_archived(responsibility, False)
    flash(_("%(title)s is back in the inventory.", title=responsibility.title), "success")
    return redirect(_listed_at(responsibility, _showing_archived()))


def _showing_archived() -> bool:
    """Whether the page the button was on showed archived responsibilities too."""
    return request.form.get("archived") == "1"


@bp.route("/areas", methods=["GET", "POST"])
@login_required
def areas():
    household = current_user.household
    form = AreaForm()
    if form.validate_on_submit():
        area = services.add_area(household, required(form.name.data), form.description.data)
        flash(_("Added the area %(name)s.", name=area.name), "success")
        return redirect(url_for("inventory.areas"))
    return _areas_page(form)


def _areas_page(form: AreaForm, errors: dict | None = None, status: int | None = None):
    household = current_user.household
    areas = services.list_areas(household)
    edit_forms = {a.id: AreaForm(formdata=None, obj=a, prefix=f"area-{a.id}") for a in areas}
    for area_id, bad_form in (errors or {}).items():
        edit_forms[area_id] = bad_form
    status = status or (422 if form.errors or errors else 200)
    return render_template(
        "inventory/areas.html", form=form, areas=areas, edit_forms=edit_forms
    ), status


# Where the usual-areas button may send the member back to.
USUAL_AREAS_BACK = ("inventory.index", "inventory.new", "inventory.areas")


@bp.post("/areas/usual")
@login_required
def usual_areas():
    if ArchiveForm().validate_on_submit():
        services.ensure_areas(current_user.household)
        flash(_("Your areas are ready. Rename them to fit your home."), "success")
    back = request.form.get("back")
    return redirect(url_for(back if back in USUAL_AREAS_BACK else "inventory.areas"))


@bp.post("/areas/<int:area_id>")
@login_required
def update_area(area_id: int):
    area = get_owned_or_404(Area, area_id)
    form = AreaForm(prefix=f"area-{area.id}")
    if not form.validate_on_submit():
        return _areas_page(AreaForm(formdata=None), {area.id: form})
    services.update_area(area, required(form.name.data), form.description.data)
    flash(_("Saved %(title)s.", title=area.name), "success")
    return redirect(url_for("inventory.areas"))


@bp.post("/areas/<int:area_id>/move")
@login_required
def move_area(area_id: int):
    area = get_owned_or_404(Area, area_id)
    if ArchiveForm().validate_on_submit():
        services.move_area(area, -1 if request.form.get("direction") == "up" else 1)
    return redirect(url_for("inventory.areas"))


@bp.post("/areas/<int:area_id>/delete")
@login_required
def delete_area(area_id: int):
    area = get_owned_or_404(Area, area_id)
    try:
        services.delete_area(area)
    except Refused as refused:
        flash(refused.message, "error")
        return _areas_page(AreaForm(formdata=None), status=refused.status)
    flash(_("Deleted the area %(name)s.", name=area.name), "info")
    return redirect(url_for("inventory.areas"))


@bp.route("/starter", methods=["GET", "POST"])
@login_required
def starter_deck():
    household = current_user.household
    status = 200
    if request.method == "POST":
        try:
            added = starter.add_picks(household, _starter_picks())
        except Refused as refused:
            flash(refused.message, "error")
            status = refused.status
        else:
            flash(
                _n(
                    "Added %(num)d responsibility to your inventory.",
                    "Added %(num)d responsibilities to your inventory.",
                    added,
                )
                if added
                else _("Nothing new was ticked."),
                "success" if added else "info",
            )
            area = request.form.get("area", "")
            anchor = f"#deck-{area}" if area.isalnum() else ""
            return redirect(url_for("inventory.starter_deck") + anchor)
    return render_template(
        "inventory/starter.html",
        deck=starter.deck_by_area(household),
        members=household.members,
        tag_labels=starter.TAG_LABELS,
    ), status


def _starter_picks() -> dict[str, int | None]:
    """Ticked keys with the owner chosen beside each (blank: nobody yet)."""
    picks: dict[str, int | None] = {}
    for key in request.form.getlist("pick"):
        picks[key] = int_or_none(request.form.get(f"owner-{key}"))
    return picks

"""Every word a member reads goes through gettext, and the German and Spanish catalogues
translate all of them: nothing missing, nothing fuzzy, every placeholder kept."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from jinja2 import Environment

from tests import i18n_scan

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "planner" / "translations"
TRANSLATED = ("de", "es")
# The keywords of scripts/catalogues.sh.
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "lazy_gettext": None,
    "_l": None,
    "_n": (1, 2),
    "N_": None,
}


def extracted() -> Catalog:
    """Every msgid in the code and templates now, as `make messages` would extract them."""
    with (ROOT / "babel.cfg").open() as cfg:
        methods, options = parse_mapping_cfg(cfg)
    catalog = Catalog()
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), methods, options, KEYWORDS, strip_comment_tags=True
    ):
        catalog.add(message, locations=[(filename, lineno)], context=context)
    return catalog


def _untranslated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return not all(strings)


def test_every_member_facing_string_goes_through_gettext():
    found = i18n_scan.scan([i18n_scan.TEMPLATES, i18n_scan.PLANNER])
    listed = "\n".join(f"{name}: {hit}" for name, hits in found.items() for hit in hits)
    assert not found, f"outside gettext:\n{listed}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_catalogue_translates_every_string_with_nothing_fuzzy(language):
    with (CATALOGUES / language / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f, locale=language)
    wanted = extracted()
    missing = [
        m.id for m in wanted if m.id and (catalog.get(m.id) is None or _untranslated(catalog[m.id]))
    ]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    broken = [(m.id, [str(e) for e in errors]) for m, errors in catalog.check()]
    assert not missing, f"{len(missing)} untranslated in {language}: {missing[:20]}"
    assert not fuzzy, f"fuzzy in {language}: {fuzzy[:20]}"
    assert not broken, f"placeholders differ in {language}: {broken[:20]}"
    assert len(wanted) > 1000  # the whole app, not a corner of it


def test_the_scan_finds_page_text_attributes_and_python_messages(tmp_path):
    env = Environment(extensions=["jinja2.ext.i18n"])
    page = (
        "<p>{{ _('Fine') }} Not fine</p><input placeholder=\"Type here\">"
        "{% trans %}Kept out{% endtrans %}<script>var x = 'code words';</script>"
        "<a title=\"{{ _('Fine') }}\">{{ name }}</a>"
    )
    path = tmp_path / "page.html"
    path.write_text(page)
    assert i18n_scan.template_words(path, env) == ["Not fine", 'placeholder="Type here"']

    module = ast.parse(
        "flash('Saved.')\nflash(_('Saved.'))\nname = StringField('Your name')\n"
        "raise Refused(f'Too long by {n}.', 'title')\nlog.info('Not for members')\n"
    )
    source = tmp_path / "module.py"
    source.write_text(ast.unparse(module))
    hits = i18n_scan.python_words(source)
    assert [h.split(":")[1].strip().split("(")[0] for h in hits] == [
        "flash",
        "StringField",
        "Refused",
    ]

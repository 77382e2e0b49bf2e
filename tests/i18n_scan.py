"""Member-facing words left outside gettext, in templates and Python modules.

`.venv/bin/python tests/i18n_scan.py [paths…]` lists them (all templates and planner/ by
default); tests/test_translations.py fails on any.

A template's words are its literal text and the attributes a member reads (title, alt,
placeholder, aria-label, a button's value), outside `{% trans %}` blocks and `_()` calls;
script and style bodies are code. A Python module's words are the literal strings handed to
the calls that show text to a member: flash(), Refused(), a form field's label, a
validator's message, an error page's title and text.
"""

from __future__ import annotations

import ast
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

from jinja2 import Environment

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
PLANNER = ROOT / "planner"

# Words that are the same in every language: names and formats.
SAME_EVERYWHERE = {"Planner", "iCal", "ICS", "Home", "Assistant", "JSON", "API", "OpenAPI"}
# Not pages: the service worker, developer documentation of the API, and the two address
# templates shared with the feed builder.
NOT_MEMBER_FACING = {"pwa/sw.js", "api/docs.html"}
READ_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label"}
WORD = re.compile(r"[^\W\d_]{2,}")
HOLE = "\x00"  # where the template had an expression or a tag

# Calls whose literal string arguments a member reads.
SHOWING_CALLS = {
    "flash",
    "Refused",
    "ValidationError",
    "InputRequired",
    "DataRequired",
    "Optional",
    "Length",
    "NumberRange",
    "Regexp",
    "EqualTo",
    "Email",
    "AnyOf",
    "NoneOf",
}
FIELDS = re.compile(r"\w*Field$")
SHOWING_KEYWORDS = {"message", "label", "title", "text", "description"}
GETTEXT = {"_", "_l", "_n", "gettext", "ngettext", "lazy_gettext"}


def words(text: str) -> list[str]:
    return [w for w in WORD.findall(text) if w not in SAME_EVERYWHERE]


def _shown(text: str) -> str:
    return " ".join(text.strip(HOLE + " \n\t").replace(HOLE, "…").split())


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._code += 1
        shown = set(READ_ATTRIBUTES)
        kind = dict(attrs).get("type")
        if tag == "input" and kind in ("submit", "button"):
            shown.add("value")
        for name, value in attrs:
            if name in shown and value and words(value.replace(HOLE, " ")):
                self.found.append(f'{name}="{_shown(value)}"')

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._code = max(0, self._code - 1)

    def handle_data(self, data: str) -> None:
        if not self._code and words(data.replace(HOLE, " ")):
            self.found.append(_shown(data))


def literal_text(source: str, env: Environment) -> str:
    """The template's own text, with every expression and tag a hole and every
    `{% trans %}` block left out."""
    out: list[str] = []
    in_trans = 0
    previous = ""
    for _, kind, value in env.lex(source):
        if kind == "name" and previous == "block_begin" and value in ("trans", "endtrans"):
            in_trans += 1 if value == "trans" else -1
        if kind == "data" and not in_trans:
            out.append(value)
        elif kind in ("variable_end", "block_end") and not in_trans:
            out.append(HOLE)
        if kind != "whitespace":
            previous = kind
    return "".join(out)


def template_words(path: Path, env: Environment) -> list[str]:
    text = literal_text(path.read_text(), env)
    if path.suffix == ".txt":
        return [_shown(line) for line in text.splitlines() if words(line.replace(HOLE, " "))]
    page = _Page()
    page.feed(text)
    page.close()
    return page.found


def _is_literal(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(words(node.value))
    if isinstance(node, ast.JoinedStr):
        return any(_is_literal(v) for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.BinOp):
        return _is_literal(node.left) or _is_literal(node.right)
    return False


def _name(func: ast.AST) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def python_words(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        if name in GETTEXT:
            continue
        candidates: list[ast.AST] = []
        if name == "Field":
            continue  # pydantic's: the API's schema, read by developers
        if name in SHOWING_CALLS or FIELDS.search(name):
            candidates += node.args[:1]
        if name in SHOWING_CALLS or FIELDS.search(name) or name == "error_page":
            candidates += [k.value for k in node.keywords if k.arg in SHOWING_KEYWORDS]
        for arg in candidates:
            if _is_literal(arg):
                found.append(f"line {node.lineno}: {name}({ast.unparse(arg)[:70]})")
    return found


def scan(paths: list[Path]) -> dict[str, list[str]]:
    env = Environment(extensions=["jinja2.ext.i18n"])
    found: dict[str, list[str]] = {}
    for path in paths:
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for f in files:
            rel = f.resolve().relative_to(ROOT)
            if f.suffix in (".html", ".txt") and f.is_relative_to(TEMPLATES):
                if str(f.relative_to(TEMPLATES)) in NOT_MEMBER_FACING:
                    continue
                hits = template_words(f, env)
            elif f.suffix == ".py" and f.is_relative_to(PLANNER):
                hits = python_words(f)
            else:
                continue
            if hits:
                found[str(rel)] = hits
    return found


if __name__ == "__main__":
    targets = [Path(p).resolve() for p in sys.argv[1:]] or [TEMPLATES, PLANNER]
    result = scan(targets)
    for name, hits in result.items():
        print(name)
        for hit in hits:
            print(f"    {hit}")
    print(f"{sum(map(len, result.values()))} strings outside gettext in {len(result)} files")

"""Reading an export file: size-capped, UTF-8, complete JSON without duplicate keys."""

from __future__ import annotations

import json
from typing import Any

from planner.domain.refusal import Refused
from planner.i18n import _

MOST_BYTES = 64 * 1024 * 1024  # two years of a 150-responsibility household: ~21 MB


def read_document(data: bytes) -> Any:
    """The JSON document in `data`, or a Refused saying what is wrong with the file."""
    if len(data) > MOST_BYTES:
        raise Refused(
            _("The file is larger than %(most)d MB.", most=MOST_BYTES // (1024 * 1024)), "file"
        )
    if not data.strip():
        raise Refused(_("The file is empty."), "file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refused(
            _("The file is not UTF-8 text (byte %(byte)d).", byte=exc.start), "file"
        ) from None
    try:
        return json.loads(text, object_pairs_hook=_object, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        where = {"line": exc.lineno, "column": exc.colno}
        if exc.pos >= len(text.rstrip()):
            raise Refused(
                _(
                    "The file ends too early: the JSON is cut off (line %(line)d, column "
                    "%(column)d).",
                    **where,
                ),
                "file",
            ) from None
        # The JSON parser's reason stays in English: it has no translations.
        raise Refused(
            _(
                "The file is not valid JSON: %(reason)s (line %(line)d, column %(column)d).",
                reason=exc.msg,
                **where,
            ),
            "file",
        ) from None
    except RecursionError:
        raise Refused(_("The file nests too deeply."), "file") from None


def write_document(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if not is_text(key):  # no message could show it
            raise Refused(_("The file has a key that is not text (half a surrogate pair)."), "file")
        if key in result:
            raise Refused(_('The file has the key "%(key)s" twice in one object.', key=key), "file")
        result[key] = value
    return result


def is_text(value: str) -> bool:
    """JSON allows a lone half of a surrogate pair ("\ud800"); text does not."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _no_constant(name: str) -> None:
    raise Refused(_("The file holds %(name)s, which is not JSON.", name=name), "file")

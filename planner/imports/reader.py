"""Reading an untrusted calendar in a child process that is killed at a deadline.

Expanding repeat rules is CPU-bound work inside libraries: parse_busy_times bounds the
occurrences a file may expand, but a rule that rarely matches can still make dateutil
search for a long time, and a thread can't be stopped. So each file is read by its own
short-lived Python process, given the bytes on stdin and the window as an argument; it
answers in JSON on stdout, and is killed when the deadline passes. The child loads only
planner.domain (pure logic), not the web app, so it starts in a fraction of a second.
"""

from __future__ import annotations

import contextlib
import json
import logging
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from planner.domain.busy import BusyTime, CalendarImportError, Words, _, parse_busy_times

READ_SECONDS = 10  # wall time for one file, start-up included
MEMORY_BYTES = 1 << 30  # address space of the child
log = logging.getLogger(__name__)
_TOO_BIG = _(
    "Planner couldn't read this calendar within the memory it gives one calendar. Could you "
    "export a shorter time range, or just the calendar that matters here?"
)

_ROOT = Path(__file__).resolve().parent.parent.parent
# `planner` is registered as a bare namespace so that planner/__init__.py (the web app,
# Flask, SQLAlchemy) isn't imported: the child needs only planner.domain.
_BOOTSTRAP = (
    "import sys, types; root = sys.argv[1]; sys.path.insert(0, root); "
    "package = types.ModuleType('planner'); package.__path__ = [root + '/planner']; "
    "sys.modules['planner'] = package; "
    "from planner.imports.reader import child_main; child_main()"
)


def read_busy_times(
    data: bytes,
    window_start: datetime,
    window_end: datetime,
    *,
    tz: ZoneInfo,
    seconds: float = READ_SECONDS,
) -> list[BusyTime]:
    """parse_busy_times in a child process, within `seconds` of wall time."""
    request = json.dumps(
        {"start": window_start.isoformat(), "end": window_end.isoformat(), "tz": tz.key}
    )
    try:
        done = subprocess.run(  # noqa: S603 (our own interpreter and code, no shell)
            [sys.executable, "-I", "-c", _BOOTSTRAP, str(_ROOT), request],
            input=bytes(data),
            capture_output=True,
            timeout=seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:  # run() has killed the child
        raise CalendarImportError(
            _(
                "Planner stopped reading this calendar after %(seconds)s seconds: its "
                "repeating events take too long to work out (a repeat rule that almost never "
                "happens can do that). Could you export just the calendar that matters here, "
                "or leave unusual repeating events out?"
            ),
            seconds=f"{seconds:g}",
        ) from None
    try:
        answer = json.loads(done.stdout) if done.returncode == 0 else None
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        log.warning("Calendar reader exited with %s: %s", done.returncode, done.stderr[-2000:])
        raise CalendarImportError(
            _(
                "Planner couldn't read this calendar; it may be damaged. Please export it "
                "again from your calendar app, or try again later."
            )
        )
    if "refused" in answer:  # its words, to be told in the member's language
        raise CalendarImportError(Words.from_json(answer["refused"]))
    return [
        BusyTime(datetime.fromisoformat(start), datetime.fromisoformat(end), summary)
        for start, end, summary in answer["busy"]
    ]


def child_main() -> None:
    """The child: the calendar on stdin, the window in argv, the answer on stdout."""
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    request = json.loads(sys.argv[2])
    data = sys.stdin.buffer.read()
    try:
        busy = parse_busy_times(
            data,
            datetime.fromisoformat(request["start"]),
            datetime.fromisoformat(request["end"]),
            tz=ZoneInfo(request["tz"]),
        )
    except CalendarImportError as refused:
        answer: dict = {"refused": refused.words.as_json()}
    except MemoryError:
        answer = {"refused": Words(_TOO_BIG).as_json()}
    else:
        answer = {"busy": [(b.start.isoformat(), b.end.isoformat(), b.summary) for b in busy]}
    sys.stdout.write(json.dumps(answer))

"""`planner export-household` and `planner import-household` from the command line."""

from __future__ import annotations

import json

import time_machine
from sqlalchemy import select

from planner.export import export_household
from planner.extensions import db
from planner.models import Household, Member
from tests.export_helpers import MOMENT, full_demo, retire_emails, row_counts, without_moment
from tests.helpers import committing


def test_export_then_import_through_the_commands(app, tmp_path):
    with time_machine.travel(MOMENT, tick=True), committing(app):
        original = full_demo().id
    path = tmp_path / "household.json"
    runner = app.test_cli_runner()
    exported = runner.invoke(args=["planner", "export-household", str(original), str(path)])
    assert exported.exit_code == 0, exported.output
    with committing(app):
        retire_emails(original)
    imported = runner.invoke(args=["planner", "import-household", str(path)])
    assert imported.exit_code == 0, imported.output
    assert "alex@example.com" in imported.output and "sam@example.com" in imported.output
    with committing(app):
        restored = db.session.scalar(
            select(Member.household_id).where(Member.email == "alex@example.com")
        )
        assert restored is not None and restored != original
        assert f"household {restored}" in imported.output
        again = export_household(restored)
    assert without_moment(again) == without_moment(json.loads(path.read_text()))


def test_a_bad_file_fails_with_its_message_and_imports_nothing(app, tmp_path):
    path = tmp_path / "broken.json"
    path.write_bytes(b'{"format": "planner-household", "version": 1, "household": {')
    with committing(app):
        before = row_counts()
    result = app.test_cli_runner().invoke(args=["planner", "import-household", str(path)])
    assert result.exit_code == 1
    assert "Not imported: The file ends too early" in result.output
    assert "Traceback" not in result.output
    with committing(app):
        assert row_counts() == before


def test_an_unknown_household_is_a_clear_error(app, tmp_path):
    result = app.test_cli_runner().invoke(
        args=["planner", "export-household", "999999", str(tmp_path / "x.json")]
    )
    assert result.exit_code == 1
    assert "There is no household 999999" in result.output
    with committing(app):
        assert db.session.scalar(select(Household.id)) is None

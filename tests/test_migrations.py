"""Migrations go empty -> head -> base -> head, and agree with the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import CheckConstraint, inspect

from planner import create_app
from planner.extensions import db
from tests.conftest import app_settings, make_database
from tests.helpers import committing


def test_round_trip_and_models_agree(tmp_path_factory, tmp_path):
    url, drop = make_database(tmp_path_factory, "migrations")
    try:
        app = create_app(app_settings(url, tmp_path))
        with committing(app):
            upgrade()
            tables = set(inspect(db.engine).get_table_names())
            assert {"household", "member", "invite"} <= tables
            downgrade(revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
            upgrade()
            with db.engine.connect() as conn:
                context = MigrationContext.configure(conn, opts={"compare_type": True})
                diff = compare_metadata(context, db.metadata)
            assert diff == [], f"models and migrations differ: {diff}"
            # Alembic does not compare CHECK constraints: the vocabularies' are checked here.
            for table in db.metadata.sorted_tables:
                wanted = {
                    c.name for c in table.constraints if isinstance(c, CheckConstraint) and c.name
                }
                found = {c["name"] for c in inspect(db.engine).get_check_constraints(table.name)}
                assert wanted <= found, f"{table.name}: missing {wanted - found}"
            db.engine.dispose()
    finally:
        drop()

"""Planner: a weekly household planning ritual for couples."""

from __future__ import annotations

import os
from importlib import import_module
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from planner.config import check_secret_key, load_settings
from planner.database import render_migration_item
from planner.extensions import csrf, db, login_manager, migrate


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="static",
    )
    app.config.from_mapping(load_settings(app.instance_path, test_config))
    check_secret_key(app)
    os.makedirs(app.instance_path, exist_ok=True)
    register_proxy(app)
    register_compression(app)  # the first after_request hook, so it runs last
    register_extensions(app)
    register_blueprints(app)
    register_unit_of_work(app)
    register_errorhandlers(app)
    register_security_headers(app)
    register_log_redaction(app)
    register_template_helpers(app)
    register_page_cache(app)
    register_static_files(app)
    register_commands(app)
    register_scheduler(app)
    return app


def register_extensions(app: Flask) -> None:
    from planner import models  # noqa: F401  (tables must be known to metadata and Alembic)
    from planner.auth.services import load_member
    from planner.i18n import N_, gettext

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(_project_root() / "migrations"),
        render_as_batch=True,
        compare_type=True,
        render_item=render_migration_item,
    )
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    # Kept as its English msgid (a flash is stored in the session as text) and
    # translated when flashed, in the language of the request.
    login_manager.login_message = N_("Please sign in to continue.")
    login_manager.localize_callback = gettext
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_member)
    if not app.debug and not app.testing:
        # Served over https in production; debug and tests run on plain http.
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _project_root() -> Path:
    return Path(__file__).resolve().parent.parent


# Each feature's routes module exposes `bp`; add a line here to register a feature.
BLUEPRINT_MODULES = (
    "planner.auth.routes",
    "planner.household.routes",
    "planner.household.ownership",
    "planner.today.routes",
    "planner.midweek.routes",
    "planner.inventory.routes",
    "planner.week.routes",
    "planner.selfcare.routes",
    "planner.feeds.routes",
    "planner.imports.routes",
    "planner.reminders.routes",
    "planner.session.routes",
    "planner.insights.routes",
    "planner.push.routes",
    "planner.pwa.routes",
    "planner.api.routes",
    "planner.api.token_pages",
)


def register_blueprints(app: Flask) -> None:
    from planner.access import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any rule is added
    for module in BLUEPRINT_MODULES:
        app.register_blueprint(import_module(module).bp)
    if os.environ.get("PLANNER_BENCH") == "1":  # bench/feed.py only: ceilings to compare with
        app.register_blueprint(import_module("planner.feeds.bench_routes").bp)


def register_unit_of_work(app: Flask) -> None:
    from planner import unit_of_work

    unit_of_work.register(app)


def register_page_cache(app: Flask) -> None:
    from planner import page_cache

    page_cache.register(app)


def register_compression(app: Flask) -> None:
    from planner import compression

    compression.register(app)


def register_static_files(app: Flask) -> None:
    from planner import static_files

    static_files.register(app)


def register_errorhandlers(app: Flask) -> None:
    from planner.errors import register

    register(app)


def register_security_headers(app: Flask) -> None:
    from planner.security import register

    register(app)


def register_proxy(app: Flask) -> None:
    """Behind PLANNER_TRUSTED_PROXIES proxies, the client's address and scheme are the ones
    they forward (sign-in throttling counts per real client); with 0, headers are ignored."""
    proxies = app.config.get("PLANNER_TRUSTED_PROXIES", 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]


def register_log_redaction(app: Flask) -> None:
    from planner.security import redact_logs

    redact_logs(app)


def register_template_helpers(app: Flask) -> None:
    from planner import i18n
    from planner.templating import register

    i18n.register(app)
    register(app)


def register_commands(app: Flask) -> None:
    from planner.cli import planner_cli

    app.cli.add_command(planner_cli)


def register_scheduler(app: Flask) -> None:
    """The in-process reminder ticker, only where planner.jobs says it belongs."""
    from planner.jobs import start_in_process

    start_in_process(app)

"""Schemathesis generates requests from the API's own OpenAPI document and checks every
answer: no server error, and each status, content type, header and body as documented.
A real household with a real token, through the WSGI app; a bounded number of examples:
each operation with generated data that fits its schema and data that doesn't, and once
more at the household's real ids, so the views themselves run, not only the 404s."""

from __future__ import annotations

from datetime import time

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from planner.extensions import db
from planner.models import Member, Responsibility
from planner.selfcare.services import add_slot
from tests.api_helpers import bearer, make_token
from tests.handover_helpers import agreed_week
from tests.helpers import committing

EXAMPLES = settings(
    max_examples=6, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)


def _real_ids(app, home) -> dict[str, int]:
    _, _, days = agreed_week(app, home)
    with committing(app):
        slot = add_slot(db.session.get(Member, home.member_ids[0]), "Run", 3, time(18, 30), 60)
        responsibility = db.session.scalar(db.select(Responsibility.id))
        return {
            "occurrence_id": days["Fri"],
            "slot_id": slot.id,
            "responsibility_id": responsibility,
        }


@pytest.mark.api_schema
def test_the_api_answers_as_its_document_says(app, make):
    home = make("Alex", "Sam")
    ids = _real_ids(app, home)
    # Uncompressed: the WSGI transport hands bodies over as sent, undecoded.
    headers = {**bearer(make_token(app, home.member_ids[0])), "Accept-Encoding": "identity"}
    limit = app.config["PLANNER_API_RATE_LIMIT"]
    app.config["PLANNER_API_RATE_LIMIT"] = 1_000_000  # examples come faster than a person
    try:
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 20
        for operation in operations:
            named = {p.name for p in operation.path_parameters}
            runs = [(GenerationMode.POSITIVE, None), (GenerationMode.NEGATIVE, None)]
            if named:
                runs.append((GenerationMode.POSITIVE, {n: ids[n] for n in named}))
            for mode, path_parameters in runs:
                strategy = operation.as_strategy(mode, path_parameters=path_parameters)

                @given(case=strategy)
                @EXAMPLES
                def check(case) -> None:
                    # Every other check is on. Data that fits the schema may still break a
                    # rule of the product (a refusal: 422 with its message), by design.
                    case.call_and_validate(
                        headers=headers, excluded_checks=[positive_data_acceptance]
                    )

                check()
    finally:
        app.config["PLANNER_API_RATE_LIMIT"] = limit

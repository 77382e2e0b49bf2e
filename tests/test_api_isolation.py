"""No household reaches another's data through the API: every /api/v1 rule that takes an
id answers 404 to a token of another household, for every method, before it reads the
body. A new API rule with an id fails here until its argument has a factory in
tests/test_isolation.py's OWNED_FACTORIES. (Listings: tests/test_isolation_listings.py.)"""

from __future__ import annotations

from tests.api_helpers import bearer, is_error, make_token
from tests.helpers import committing
from tests.test_isolation import OWNED_FACTORIES


def test_every_api_id_rule_is_404_for_another_household(app, client, make):
    home, other = make("Alex", "Sam"), make("Kim")
    with committing(app):
        ids = {name: factory(home) for name, factory in OWNED_FACTORIES.items()}
    stranger = bearer(make_token(app, other.member_ids[0], "read-write"))
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api.") or not rule.arguments:
            continue
        missing = rule.arguments - ids.keys()
        assert not missing, f"{rule.rule} takes {missing}: add a factory to OWNED_FACTORIES"
        url = rule.build({name: ids[name] for name in rule.arguments})[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            # A body that fits nothing: the household gate answers before validation does.
            response = client.open(url, method=method, json={"x": 1}, headers=stranger)
            assert is_error(response, 404, "not_found"), f"{method} {url}: {response.status_code}"
            checked += 1
    assert checked >= 12  # every id route of the API, each method (a sanity floor)


def test_the_same_ids_answer_their_own_household(app, client, make):
    """The other side of the gate: the ids above are found by their own household's token."""
    home = make("Alex", "Sam")
    with committing(app):
        ids = {name: factory(home) for name, factory in OWNED_FACTORIES.items()}
    mine = bearer(make_token(app, home.member_ids[0]))
    for url in (
        f"/api/v1/occurrences/{ids['occurrence_id']}",
        f"/api/v1/responsibilities/{ids['responsibility_id']}",
    ):
        assert client.get(url, headers=mine).status_code == 200, url

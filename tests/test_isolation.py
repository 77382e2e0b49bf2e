"""No household ever sees another's data: every URL rule that takes an id answers 404
to a member of another household. A new rule fails this test until it is covered here."""

from __future__ import annotations

from collections.abc import Callable

from planner.extensions import db
from planner.models import Invite, utcnow
from tests.helpers import login

# Rules whose argument is not a household-owned id, and why.
NOT_OWNED_IDS = {
    "static": "public files",
    "auth.join": "an invite token; wrong tokens are 410 (tested in test_auth)",
    "auth.reset_password": "a signed reset token (tested in test_auth)",
}

# argument name -> makes an object owned by household `owner` and returns its id
OWNED_FACTORIES: dict[str, Callable] = {}


def owned(argument: str):
    def register(factory):
        OWNED_FACTORIES[argument] = factory
        return factory

    return register


@owned("invite_id")
def _invite(owner) -> int:
    from datetime import timedelta

    invite = Invite(
        household_id=owner.household_id,
        email="x@example.com",
        token_hash="h" * 64,
        expires_at=utcnow() + timedelta(days=1),
    )
    db.session.add(invite)
    db.session.commit()
    return invite.id


def test_every_id_rule_is_404_for_another_household(app, client, make):
    home, other = make("Alex", "Sam"), make("Kim")
    with app.app_context():
        ids = {name: factory(home) for name, factory in OWNED_FACTORIES.items()}
    login(client, other.emails[0])
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.arguments or rule.endpoint in NOT_OWNED_IDS:
            continue
        missing = rule.arguments - ids.keys()
        assert not missing, f"{rule.rule} takes {missing}: add a factory to OWNED_FACTORIES"
        url = rule.build({name: ids[name] for name in rule.arguments})[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            assert response.status_code == 404, f"{method} {url} answered {response.status_code}"
            checked += 1
    assert checked >= len(OWNED_FACTORIES)

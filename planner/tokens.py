"""Secret URL tokens are stored only as their SHA-256, for invites and feeds alike."""

import hashlib


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()

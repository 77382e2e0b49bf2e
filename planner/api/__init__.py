"""The JSON API under /api/v1: personal access tokens, the same services as the pages."""

"""Insight: pictures of the weeks gone by, never a scoreboard."""

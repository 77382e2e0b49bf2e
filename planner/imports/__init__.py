"""Bringing a member's own calendars in, as busy times for the session and suggestions."""

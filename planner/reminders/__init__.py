"""Reminder emails: an outbox table that any number of schedulers share safely."""

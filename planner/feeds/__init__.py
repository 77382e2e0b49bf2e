"""Secret calendar feeds: a member's own week and self-care, or the whole household."""

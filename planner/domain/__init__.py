"""Pure household logic: no Flask, no database."""

"""A household's data is its own: export it as one JSON document and restore it
(docs/export-format.md)."""

from planner.export.exporter import export_household
from planner.export.files import read_document, write_document
from planner.export.restore import restore_household

__all__ = ["export_household", "read_document", "restore_household", "write_document"]

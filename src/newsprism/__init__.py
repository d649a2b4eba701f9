"""newsprism: evidence-linked briefs of one story across many outlets."""

import logging

from newsprism.model import SCHEMA_ID

__version__ = "0.1.0"
__all__ = ["SCHEMA_ID", "__version__"]

logging.getLogger(__name__).addHandler(logging.NullHandler())

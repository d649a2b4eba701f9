"""Evaluation: metrics and benchmark runners over the shared data sets (``../shared/data``).

Importing this package is cheap: spaCy, sumy and rouge-score load only when a run needs
them.
"""

from newsprism.eval.datasets import EvalStory, load_peers, load_stories
from newsprism.eval.summaries import (
    EvalReport,
    Summarizer,
    documents_summarizer,
    evaluate,
    format_table,
)

__all__ = [
    "EvalReport",
    "EvalStory",
    "Summarizer",
    "documents_summarizer",
    "evaluate",
    "format_table",
    "load_peers",
    "load_stories",
]

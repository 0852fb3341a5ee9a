"""Analysis: suggestions from the evidence, shown to the author and never written unasked.

See :mod:`hotwash.analysis.suggestions` for the rules (a change that preceded the onset, a
signal that rose before the first alert, a source with gaps during the window).
"""

from hotwash.analysis.suggestions import Suggestion, suggest

__all__ = ["Suggestion", "suggest"]

"""Learning's models, one module per part: training records, the awareness library, posters."""

from childshield.learning.models.posters import Poster, SourceVisit

__all__ = ["Poster", "SourceVisit"]

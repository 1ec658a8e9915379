"""Learning's models, one module per part: training records, the awareness library, posters."""

from childshield.learning.models.library import Article, ArticleVersion
from childshield.learning.models.posters import Poster, SourceVisit
from childshield.learning.models.training import Attendance, Course, TestQuestion, TrainingSession

__all__ = [
    "Article",
    "ArticleVersion",
    "Attendance",
    "Course",
    "Poster",
    "SourceVisit",
    "TestQuestion",
    "TrainingSession",
]

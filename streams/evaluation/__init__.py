"""Score the tagger's mention detection against annotated corpora (NewsFANE Gold, our English set)."""

from streams.evaluation.english import run_english_eval
from streams.evaluation.newsfane import run_newsfane_eval

__all__ = ["run_english_eval", "run_newsfane_eval"]

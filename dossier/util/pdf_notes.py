"""qpdf's and pypdf's English repair notes ("Pages tree includes …", "EOF marker not found") are
kept off the terminal: dossier reports an unusable or repaired file itself, in Chinese."""

from __future__ import annotations


def silence() -> None:
    """Raise the pikepdf and pypdf loggers above their notes. Called by the CLI for every verb but
    ``check``, which calls it where it opens a PDF (:mod:`dossier.rules.evidence`): a check whose
    PDFs' facts are cached opens none, and importing logging was ~2 % of a check after an edit."""
    import logging

    logging.getLogger("pikepdf").setLevel(logging.CRITICAL)
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)

"""dossier: assemble the application dossier for Wuhan's benchmark smart factory selection.

Stages, each a module or package, data flowing one way:
load → validate (model) → check (rules) → render → convert → bind → report.
Every CLI verb is a library call: ``dossier check DIR`` is :func:`dossier.check.check_project`.
"""

__version__ = "0.1.0"

"""dossier: assemble the application dossier for Wuhan's benchmark smart factory selection.

Stages, each a folder, data flowing one way: ``application`` (load → validate) → ``rules`` (check)
→ ``documents`` (render → convert) → ``bind`` → ``html_report``; ``util`` under them all. Every
CLI verb is a library call in a top-level module: ``dossier check DIR`` is
:func:`dossier.check.check_project`. README.md's "Layout" table and ``.importlinter`` give the layers.
"""

__version__ = "0.1.0"

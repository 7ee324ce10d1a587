"""The application as data: ``enterprise.yaml`` loaded (:mod:`.load`) and typed (:mod:`.model`),
its paths confined to the project folder and the outputs kept out of its inputs (:mod:`.paths`),
the programme it answers (:mod:`.programme`, checked by :mod:`.programme_schema`), the figures
and narrative derived from it once (:mod:`.figures`, :mod:`.narrative`), rows merged into it from
spreadsheets (:mod:`.ledger`, :mod:`.yamledit`) and its reference generated from the model
(:mod:`.reference`).
"""

# The programme a project gets when it names none: the one place its id is written in code (here,
# where the CLI finds it for ``init``'s default without importing the programme module).
DEFAULT_PROGRAMME = "wuhan-2025"

"""The application as data: ``enterprise.yaml`` loaded (:mod:`.load`) and typed (:mod:`.model`),
its paths confined to the project folder and the outputs kept out of its inputs (:mod:`.paths`),
the programme it answers (:mod:`.programme`, checked by :mod:`.programme_schema`), the figures
and narrative derived from it once (:mod:`.figures`, :mod:`.narrative`), rows merged into it from
spreadsheets (:mod:`.ledger`, :mod:`.yamledit`) and its reference generated from the model
(:mod:`.reference`).
"""

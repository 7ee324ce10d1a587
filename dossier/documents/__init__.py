"""The documents: Application + Programme + Figures → one context per document (:mod:`.context`)
→ .docx (:mod:`.render`, :mod:`.tablefit`) → PDF through LibreOffice (:mod:`.convert`,
:mod:`.fontmap`, :mod:`.pdf_fonts`, :mod:`.warm_office`), checked against its .docx
(:mod:`.fidelity`); :mod:`.assemble` orders them with the evidence into the volume's parts.
"""

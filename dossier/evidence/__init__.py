"""What dossier reads from the evidence files themselves: OFD documents (:mod:`.ofd`), the full
content of an e-invoice (:mod:`.invoices`) and its number, date and amount (:mod:`.einvoice`).
"""

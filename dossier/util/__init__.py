"""What every layer uses: the one exceptions module, findings, Chinese formats, atomic output, the
content-keyed cache, progress callbacks, SIGTERM handling and where the shipped files are.
Imports nothing of dossier outside this folder.
"""

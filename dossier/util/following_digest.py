"""The SHA-256 of a file while this process writes it, hashed by a child process as the file grows.

Why a child and not a thread: pikepdf keeps the GIL for the whole of ``Pdf.save`` (measured with
pikepdf 10: a thread that only sleeps and wakes did not run once in the first 0.28 s of a 0.4 s
save of a 119 MB volume). A thread of this process that reads and hashes the file as it grows
therefore does nothing until the save returns, and the hashing (~0.08 s per 100 MB, more with
the reads) follows the writing instead of running beside it. A child Python (``-S -I``: no site,
nothing imported but hashlib, ~20 ms to start) reads the file on the other core while qpdf writes
it, and is left with the last blocks once the writer is done.

It relies on the writer going front to back and never back (qpdf's output is a pipeline, which
cannot seek): what the child has read stays what it was. The parent says "complete" by closing
the child's standard input, after the file is closed.

Starting a child costs more than hashing a small file after it is written (at ~1.5 GB/s, 32 MB
take ~20 ms): :func:`follow` is for large files; :func:`file_digest` hashes the others. Where the
child cannot be started, dies or answers nonsense, :meth:`Following.result` hashes the file itself:
the digest is always that of the bytes on disk.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from dossier.util.cache import file_digest

# Worth a child from this size up (see the module's docstring).
FOLLOW_MIN_BYTES = 32 * 1024 * 1024

# Reads whatever the file holds; once a read finds nothing, waits up to 5 ms for the parent to
# close stdin. "Complete" is learnt before the read that ends the loop, so nothing is missed.
_CHILD = r"""
import hashlib, os, select, sys
h = hashlib.sha256()
buf = bytearray(1 << 20)
view = memoryview(buf)
fd = os.open(sys.argv[1], os.O_RDONLY)
complete = False
while True:
    n = os.readv(fd, [buf])
    if n:
        h.update(view[:n])
    elif complete:
        break
    elif select.select([0], [], [], 0.005)[0]:
        complete = not os.read(0, 1)
sys.stdout.write(h.hexdigest())
"""
_HEX64 = re.compile(r"[0-9a-f]{64}")


class Following:
    """A child hashing ``path`` as it grows; :meth:`result` once the file is complete and closed,
    or :meth:`cancel` when it will not be."""

    def __init__(self, path: Path, child: subprocess.Popen | None) -> None:
        self.path = path
        self.child = child  # None: hashed in this process, by :meth:`result`

    def result(self) -> str:
        """The SHA-256 (hex) of the file as it is now: call it once the writer has closed it."""
        child = self.child
        if child is not None and child.returncode is None:
            try:
                out, _ = child.communicate()  # closes stdin: "complete"
            except BaseException:
                _kill(child)
                raise
            digest = out.decode("ascii", "replace")
            if child.returncode == 0 and _HEX64.fullmatch(digest):
                return digest
        return file_digest(self.path)

    def cancel(self) -> None:
        """Stop the child, if any: the file will not be completed."""
        if self.child is not None and self.child.returncode is None:
            _kill(self.child)


def follow(path: Path) -> Following:
    """Start hashing ``path`` (which exists, and is being written front to back) in a child. Where
    no child can be started, the result is computed in this process instead."""
    if getattr(sys, "frozen", False) or not sys.executable:  # a bundled app's executable is not a Python
        return Following(path, None)
    try:
        child = subprocess.Popen(
            [sys.executable, "-S", "-I", "-c", _CHILD, os.fsencode(path)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )
    except (OSError, ValueError):  # no interpreter to run, no process left
        child = None
    return Following(path, child)


def _kill(child: subprocess.Popen) -> None:
    child.kill()
    child.communicate()

"""Interruptions kept out of what must not be cut halfway (dossier.util.interrupt.deferred): Ctrl-C or
SIGTERM inside the block is raised when it ends."""

from __future__ import annotations

import os
import signal
import sys
import time

import pytest

from dossier.util.interrupt import Terminated, deferred, raise_on_sigterm


def test_ctrl_c_inside_a_deferred_block_is_raised_when_the_block_ends():
    finished = []
    with pytest.raises(KeyboardInterrupt):
        with deferred():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)  # the handler would have run here
            finished.append(True)
    assert finished == [True]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # put back


@pytest.mark.skipif(not hasattr(signal, "SIGTERM") or sys.platform == "win32", reason="POSIX signals")
def test_sigterm_inside_a_deferred_block_raises_terminated_after_it():
    previous = signal.getsignal(signal.SIGTERM)
    raise_on_sigterm()
    try:
        finished = []
        with pytest.raises(Terminated):
            with deferred():
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(0.05)
                finished.append(True)
        assert finished == [True]
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_without_a_signal_a_deferred_block_raises_nothing():
    with deferred():
        pass
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


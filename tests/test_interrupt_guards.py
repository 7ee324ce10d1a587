"""Ctrl-C and SIGTERM as exceptions in the main thread, never inside an import, a thread's join,
tempfile's probe of the temporary folder or a function marked held (dossier.util.interrupt): a
signal that arrives there is raised once the main thread is out."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

import pytest

from dossier.util.interrupt import Terminated, held, install, interruptible

posix_signals = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


@pytest.fixture
def handlers(tmp_path, monkeypatch):
    """:func:`install`'s handlers for the test, the previous ones back afterwards; ``tmp_path`` importable."""
    previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    monkeypatch.syspath_prepend(str(tmp_path))
    install()
    yield
    for s, handler in previous.items():
        signal.signal(s, handler)


def _module(tmp_path, name: str, body: str) -> str:
    (tmp_path / f"{name}.py").write_text(body, encoding="utf-8")
    return name


@posix_signals
@pytest.mark.parametrize("sig, raised", [(signal.SIGINT, KeyboardInterrupt), (signal.SIGTERM, Terminated)])
def test_a_signal_during_an_import_is_raised_once_the_import_is_over(handlers, tmp_path, sig, raised):
    name = _module(tmp_path, f"interrupted_{sig.name.lower()}", textwrap_body(sig))
    began = time.monotonic()
    with pytest.raises(raised) as caught:
        __import__(name)
        time.sleep(5)  # where the signal is raised: after the import
    assert time.monotonic() - began < 2
    module = sys.modules[name]
    assert module.finished is True  # the module's code ran to its end
    frames = []
    tb = caught.value.__traceback__
    while tb is not None:
        frames.append(tb.tb_frame.f_globals.get("__name__"))
        tb = tb.tb_next
    assert not any(f and f.startswith("importlib") for f in frames), frames

    # The import system is whole: another thread imports a module of its own.
    other = _module(tmp_path, f"after_{sig.name.lower()}", "value = 1\n")
    got = []
    thread = threading.Thread(target=lambda: got.append(__import__(other).value))
    thread.start()
    thread.join(5)
    assert got == [1]


def textwrap_body(sig: signal.Signals) -> str:
    return (
        "import os, time\n"
        "finished = False\n"
        f"os.kill(os.getpid(), {int(sig)})\n"
        "time.sleep(0.05)  # the handler runs here, inside the import\n"
        "finished = True\n"
    )


@posix_signals
def test_sigterm_outside_an_import_raises_terminated_at_once(handlers):
    began = time.monotonic()
    with pytest.raises(Terminated):
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)
    assert time.monotonic() - began < 1


@posix_signals
def test_ctrl_c_during_a_join_is_raised_once_the_thread_has_ended(handlers):
    # Raised inside the join, CPython (to 3.12) took the running thread for ended (bpo-45274): the
    # interpreter's exit then killed it halfway, and what it would have cleaned up was left.
    finished = []

    def work() -> None:
        time.sleep(0.3)
        finished.append(True)

    thread = threading.Thread(target=work)
    thread.start()
    threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGINT)).start()
    with pytest.raises(KeyboardInterrupt):
        thread.join()
        time.sleep(5)  # where the signal is raised: after the join
    assert finished == [True]
    assert not thread.is_alive()


@posix_signals
def test_ctrl_c_inside_a_held_function_is_raised_once_it_has_returned(handlers):
    made = []

    @held
    def make() -> None:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)  # the handler runs here
        made.append("folder")  # what the caller's try then removes

    with pytest.raises(KeyboardInterrupt):
        try:
            make()
            time.sleep(5)  # where the signal is raised
        finally:
            assert made == ["folder"]


def test_tempfiles_probe_of_the_temporary_folder_is_not_interruptible(tmp_path, monkeypatch):
    # The probe creates a file of a random name, writes and deletes it: cut in between, it was left.
    import tempfile

    seen = []

    class Os:
        def __getattr__(self, name):
            return getattr(os, name)

        def write(self, fd, data):
            seen.append(interruptible(sys._getframe(1)))
            return os.write(fd, data)

    monkeypatch.setattr(tempfile, "_os", Os())
    monkeypatch.setattr(tempfile, "tempdir", None)  # looked for again
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    assert tempfile.gettempdir() == str(tmp_path)
    assert seen == [False]
    assert list(tmp_path.iterdir()) == []


def test_a_module_being_imported_is_not_interruptible(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    name = _module(tmp_path, "asks_interruptible", "import sys\nfrom dossier.util.interrupt import interruptible\n"
                                                   "answer = interruptible(sys._getframe())\n")
    assert __import__(name).answer is False
    assert interruptible(sys._getframe()) is True

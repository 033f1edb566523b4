"""Run one function in a child process under an address-space limit and a wall-clock deadline.

A 1.8 KB deflate bomb, a 4G-range ToUnicode CMap or a dense ruling grid costs pdfminer gigabytes
or minutes, and nothing inside pdfminer/pdfplumber can bound that. An OS limit can: the child
sets ``RLIMIT_AS`` on itself (allocation then fails as ``MemoryError``), ``RLIMIT_CPU`` as a
backstop for an orphaned child, and the parent kills it at the deadline. Either way the caller
gets ``ExtractError(resource_limit)`` — a review item — and the worker process lives on.

Children come from a ``forkserver`` (preloaded with the extractor), not from forking the caller:
a Prefect worker has threads, and forking a threaded process can deadlock the child. The peak
memory and wall time measured in the child come back with the result (``Usage``), so the fuzz
suite and ``bench/fuzz.py`` can assert and print them.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import resource
import signal
import time
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from budget_etl.errors import BudgetEtlError, ExtractError, Reason

T = TypeVar("T")

#: modules the fork server imports once, so each child starts in milliseconds, not seconds
PRELOAD = ["tasks.extract.extractor", "tasks.extract.integrity", "pdfplumber"]
#: CPU seconds beyond the deadline before the kernel kills a child nobody is waiting for
CPU_GRACE_S = 5
#: memory held by the child and freed on MemoryError, so reporting the failure can still allocate
BALLAST_BYTES = 8 << 20
#: exit code of a child that ran out of memory so badly it could not even send its report
EXIT_OUT_OF_MEMORY = 86
#: how often the waiting parent wakes up (so SIGTERM/KeyboardInterrupt are handled promptly)
POLL_S = 0.2


@dataclass(frozen=True)
class Limits:
    """The budget of one run: address space (MiB) and wall-clock seconds."""

    memory_mb: int = 2048
    timeout_s: float = 300.0

    def __post_init__(self) -> None:
        if self.memory_mb < 64:
            raise ValueError("memory_mb must be at least 64")
        if self.timeout_s <= 0:
            raise ValueError("timeout_s must be positive")


@dataclass(frozen=True)
class Usage:
    """What the run cost, measured in the child (peak resident set) and by the parent (wall time)."""

    peak_rss_mb: float
    wall_s: float


class LimitExceeded(ExtractError):
    """``resource_limit`` with the measured usage attached (evidence carries the same figures)."""


def run_limited(func: Callable[..., T], *args: Any, limits: Limits) -> tuple[T, Usage]:
    """``func(*args)`` in a limited child; its domain errors are re-raised here unchanged.

    Over the memory or time budget → ``ExtractError(resource_limit)``; a child that dies of a
    signal → ``resource_limit`` for SIGKILL (the kernel's OOM killer), ``unexpected_error`` else.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(preload_modules())
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child_main, args=(sender, func, args, limits), daemon=True)
    started = time.monotonic()
    child.start()
    sender.close()
    try:
        message = _wait(receiver, child, started, limits)
    finally:
        receiver.close()
        _reap(child)
    wall = time.monotonic() - started
    if message is None:
        raise _died(child.exitcode, wall, limits)
    kind, payload, peak_mb = message
    usage = Usage(peak_rss_mb=peak_mb, wall_s=round(wall, 3))
    if kind == "ok":
        return payload, usage
    if kind == "memory":
        raise LimitExceeded(
            Reason.RESOURCE_LIMIT,
            f"extraction needed more than the {limits.memory_mb} MiB memory budget "
            "(a compressed stream or font that inflates far beyond the file's size)",
            limit_mb=limits.memory_mb, peak_rss_mb=peak_mb, wall_s=usage.wall_s, error=payload,
        )
    error: BudgetEtlError = payload
    error.evidence.setdefault("peak_rss_mb", peak_mb)
    raise error


def preload_modules() -> list[str]:
    """What the fork server imports once: the extractor only.

    Not Prefect, even inside a flow run: its import adds hundreds of MiB of address space (and
    threads) to every child, which the ``RLIMIT_AS`` budget would then pay for — children
    segfaulted on stack growth under a 512 MiB budget when it was preloaded.
    """
    return list(PRELOAD)


def _wait(receiver: Connection, child: Any, started: float, limits: Limits) -> Any:
    """The child's one message, or None if it died first; kills it at the deadline."""
    deadline = started + limits.timeout_s
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            child.kill()
            raise LimitExceeded(
                Reason.RESOURCE_LIMIT,
                f"extraction did not finish within the {limits.timeout_s:g} s time budget",
                limit_s=limits.timeout_s, wall_s=round(time.monotonic() - started, 3),
            )
        if receiver.poll(min(POLL_S, remaining)):
            try:
                return receiver.recv()
            except (EOFError, OSError):
                return None
        if not child.is_alive() and not receiver.poll(0):
            return None


def _reap(child: Any) -> None:
    """Never leave a child behind, whatever interrupted the wait."""
    child.join(timeout=2)
    if child.is_alive():
        child.kill()
        child.join(timeout=2)


def _died(exitcode: int | None, wall: float, limits: Limits) -> ExtractError:
    if exitcode in (-signal.SIGKILL, EXIT_OUT_OF_MEMORY):
        return LimitExceeded(
            Reason.RESOURCE_LIMIT,
            "the extraction process was killed (out of memory or CPU time)",
            exitcode=exitcode, limit_mb=limits.memory_mb, wall_s=round(wall, 3),
        )
    if exitcode in (-signal.SIGSEGV, -signal.SIGBUS, -signal.SIGABRT):
        # under RLIMIT_AS a native library (OpenCV, ONNX runtime, zlib …) that cannot allocate
        # often crashes instead of raising: said as what it most likely is, with the signal
        return LimitExceeded(
            Reason.RESOURCE_LIMIT,
            f"the extraction process crashed (signal {-exitcode}), most likely a native library "
            f"that could not allocate within the {limits.memory_mb} MiB memory budget",
            exitcode=exitcode, limit_mb=limits.memory_mb, wall_s=round(wall, 3),
        )
    if exitcode == -signal.SIGXCPU:
        return LimitExceeded(
            Reason.RESOURCE_LIMIT, "the extraction process ran out of CPU time",
            exitcode=exitcode, wall_s=round(wall, 3),
        )
    return ExtractError(
        Reason.UNEXPECTED_ERROR,
        f"the extraction process died without an answer (exit code {exitcode})",
        exitcode=exitcode, wall_s=round(wall, 3),
    )


def _child_main(sender: Connection, func: Callable[..., Any], args: tuple[Any, ...], limits: Limits) -> None:
    """In the child: limit itself, run, send exactly one message ``(kind, payload, peak_mb)``.

    Out of memory, even the error handling can fail to allocate; so a ballast is held and freed
    first, the failure is only *noted* inside ``except`` (its traceback pins the huge objects) and
    reported after, and anything that still escapes exits with :data:`EXIT_OUT_OF_MEMORY`.
    """
    _limit_self(limits)
    _quiet_libraries()
    ballast: bytearray | None = bytearray(BALLAST_BYTES)
    message: tuple[str, Any, float] | None = None
    out_of_memory = False
    try:
        try:
            message = ("ok", func(*args), 0.0)
        except MemoryError:
            out_of_memory = True
        except BudgetEtlError as exc:
            ballast = None
            out_of_memory = caused_by_memory(exc)
            message = None if out_of_memory else ("error", exc, 0.0)
        except RecursionError as exc:
            message = ("error", ExtractError(
                Reason.CORRUPT_PDF, "the PDF's objects nest too deeply to be read", error=_describe(exc)
            ), 0.0)
        except Exception as exc:  # a bug, not a property of the document: keep the traceback
            ballast = None
            out_of_memory = caused_by_memory(exc)
            if not out_of_memory:
                message = ("error", ExtractError(
                    Reason.UNEXPECTED_ERROR, _describe(exc), traceback=traceback.format_exc()[-2000:]
                ), 0.0)
        ballast = None
        if out_of_memory or message is None:
            message = ("memory", "MemoryError", 0.0)
        sender.send((message[0], message[1], _peak_mb()))
    except BaseException:  # the last resort of a child that must not hang its parent
        os._exit(EXIT_OUT_OF_MEMORY if out_of_memory or ballast is None else 1)
    finally:
        del ballast
        sender.close()


def caused_by_memory(exc: BaseException) -> bool:
    """pdfminer/pdfplumber wrap exceptions (``PdfminerException(MemoryError())``): look inside."""
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, MemoryError):
            return True
        stack.extend(a for a in current.args if isinstance(a, BaseException))
        stack.extend(e for e in (current.__cause__, current.__context__) if e is not None)
    return False


def _limit_self(limits: Limits) -> None:
    memory = limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = int(limits.timeout_s) + CPU_GRACE_S
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    _die_with_parent()


def _die_with_parent() -> None:
    """Linux: SIGKILL this child when the fork server (its parent) exits with the caller."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: RLIMIT_CPU still ends an orphan
        pass


def _quiet_libraries() -> None:
    """pdfminer warns per broken object (179 lines for one file); the result carries what matters."""
    for name in ("pdfminer", "pdfplumber", "PIL"):
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.simplefilter("ignore")


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


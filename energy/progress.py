"""Feedback on long work: the phases of a run with their elapsed time.

A :class:`Progress` is what the pipeline is told about its work. It is called
with the name of each phase as the phase starts (``progress("solve")``; the
previous phase ends there), and, while HiGHS runs, told the solver's state
(:meth:`Progress.solver`). How it shows that depends on ``mode``:

=========  ==================================================================
mode       display
=========  ==================================================================
``live``   on a terminal: finished phases with their seconds, the
           current one with a running clock and, while solving, the solver's
           elapsed time, relative MIP gap and best cost (rich)
``plain``  one line per phase start, and a solver line every 10 s, each with
           the seconds since the start (logs, CI, pipes)
``none``   nothing (``-q``); the phase times are still recorded
``auto``   ``live`` when the stream is a terminal, ``plain`` otherwise
=========  ==================================================================

Any command shows its work with one line around it::

    with Progress.for_cli(quiet) as progress:
        result = energy.run(model, progress=progress)

A plain function ``f(phase: str)`` may stand in for a :class:`Progress` wherever
the pipeline takes one; it is then told the phase names only.
"""

from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass, field
from typing import TextIO

__all__ = ["PHASES", "Progress", "SolverState"]

#: The phases of ``port-energy run``, in order (other commands add their own names).
PHASES = ("profiles", "build", "solve", "extract", "write", "plots")

#: Seconds between two solver lines in plain mode. [s]
PLAIN_SOLVER_EVERY_S = 10.0


@dataclass
class SolverState:
    """What HiGHS last reported while running.

    Attributes
    ----------
    elapsed_s : float
        HiGHS run time of the current round. [s]
    gap : float
        Relative MIP gap of the incumbent (inf or NaN before one exists). [-]
    best_usd : float
        Objective of the incumbent (inf before one exists). [USD]
    """

    elapsed_s: float = 0.0
    gap: float = math.inf
    best_usd: float = math.inf

    def text(self) -> str:
        """``'HiGHS 12 s, gap 0.41%, best 2,064,600 USD'`` (parts without a value left out)."""
        parts = [f"HiGHS {self.elapsed_s:.0f} s"]
        if math.isfinite(self.gap):
            parts.append(f"gap {self.gap:.2%}")
        if math.isfinite(self.best_usd):
            parts.append(f"best {self.best_usd:,.0f} USD")
        else:
            parts.append("no solution yet")
        return ", ".join(parts)


@dataclass
class _Phase:
    name: str
    start: float
    end: float | None = None
    detail: str = ""


@dataclass
class Progress:
    """Phases of a long job, shown live, as plain lines or not at all.

    Parameters
    ----------
    mode : {"auto", "live", "plain", "none"}
        See the module's table.
    stream : file, optional
        Where to write (default ``sys.stdout``, as the comparison's display: stderr
        keeps only the one-line errors).
    title : str, optional
        A heading shown above the phases (live) or before them (plain).

    Attributes
    ----------
    timings : dict
        Seconds per finished phase, by name (a phase run twice adds up). [s]

    Examples
    --------
    >>> with Progress("none") as p:
    ...     p("profiles"); p("solve")
    >>> sorted(p.timings)
    ['profiles', 'solve']
    """

    mode: str = "auto"
    stream: TextIO | None = None
    title: str | None = None
    timings: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.mode not in ("auto", "live", "plain", "none"):
            raise ValueError(f"progress mode: expected auto, live, plain or none, found {self.mode!r}")
        self.stream = self.stream if self.stream is not None else sys.stdout
        if self.mode == "auto":
            tty = getattr(self.stream, "isatty", lambda: False)()
            self.mode = "live" if tty else "plain"
        self.t0 = time.perf_counter()
        self.phases: list[_Phase] = []
        self._live = None
        self._last_plain_solver = -math.inf
        self.solver_state: SolverState | None = None
        self._solver_since: float | None = None

    @classmethod
    def for_cli(cls, quiet: bool = False, title: str | None = None) -> Progress:
        """The display a command uses: nothing with ``-q``, else live on a terminal, plain otherwise."""
        return cls("none" if quiet else "auto", title=title)

    # ---------------------------------------------------------------- context
    def __enter__(self) -> Progress:
        if self.mode == "live":
            from rich.console import Console
            from rich.live import Live

            console = Console(file=self.stream, highlight=False)
            self._live = Live(self, console=console, refresh_per_second=4, transient=False,
                              redirect_stdout=False, redirect_stderr=False)
            self._live.start()
        elif self.mode == "plain" and self.title:
            self._print(self.title)
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close(failed=exc_type is not None)

    def close(self, failed: bool = False) -> None:
        """End the current phase and the display (``failed`` marks the phase as stopped)."""
        now = time.perf_counter()
        self._finish(now, "stopped" if failed else "")
        if self.mode == "plain" and self.phases:
            self._print(f"[{now - self.t0:7.1f} s] {'stopped' if failed else 'done'}")
        if self._live is not None:
            self._live.refresh()
            self._live.stop()
            self._live = None

    # ---------------------------------------------------------------- events
    def __call__(self, phase: str) -> None:
        """Start ``phase`` (ending the one before)."""
        now = time.perf_counter()
        self._finish(now)
        self.solver_state = None
        self.phases.append(_Phase(phase, now))
        if self.mode == "plain":
            self._print(f"[{now - self.t0:7.1f} s] {phase}")

    def solver(self, state: SolverState, final: bool = False) -> None:
        """The solver's latest state (from HiGHS's callback, a few times a second; ``final`` at a round's end).

        The live view keeps HiGHS's clock running between callbacks (HiGHS is silent
        while it solves a large LP relaxation), from the run's start the state implies.
        """
        self.solver_state = state
        self._solver_since = None if final else time.perf_counter() - state.elapsed_s
        if self.mode == "plain":
            now = time.perf_counter()
            if final or now - self._last_plain_solver >= PLAIN_SOLVER_EVERY_S:
                self._last_plain_solver = now
                self._print(f"[{now - self.t0:7.1f} s]   {state.text()}")

    def log(self, line: str) -> None:
        """Show a line of text (e.g. HiGHS's log with ``-v``) above the live display."""
        if self.mode == "none":
            return
        if self._live is not None:
            self._live.console.print(line.rstrip("\n"), markup=False, highlight=False)
        else:
            self._print(line.rstrip("\n"))

    # ---------------------------------------------------------------- inside
    def _finish(self, now: float, detail: str = "") -> None:
        if self.phases and self.phases[-1].end is None:
            ph = self.phases[-1]
            ph.end, ph.detail = now, detail or (self.solver_state.text() if self.solver_state else "")
            self.timings[ph.name] = self.timings.get(ph.name, 0.0) + (now - ph.start)

    def _print(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def __rich__(self):
        """The live view: a line per phase, the current one with its clock and solver state."""
        from rich.text import Text

        now = time.perf_counter()
        out = Text()
        if self.title:
            out.append(self.title + "\n", style="bold")
        width = max([10, *(len(p.name) + 1 for p in self.phases)])
        for ph in self.phases:
            running = ph.end is None
            secs = (now if running else ph.end) - ph.start
            mark, style = ("…", "yellow") if running else ("✓", "green")
            out.append(f" {mark} ", style=style)
            out.append(f"{ph.name:<{width}}{secs:8.1f} s")
            detail = ph.detail
            if running and self.solver_state:
                st = self.solver_state
                if self._solver_since is not None:
                    st = SolverState(now - self._solver_since, st.gap, st.best_usd)
                detail = st.text()
            if detail:
                out.append(f"   {detail}", style="dim" if not running else "")
            out.append("\n")
        out.append(f"   elapsed {now - self.t0:.1f} s", style="dim")
        return out


def solver_hook(progress) -> object | None:
    """The method of ``progress`` that takes solver states, or None (a plain function)."""
    return getattr(progress, "solver", None)

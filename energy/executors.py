"""Where batch work runs: this process, local worker processes, or a Dask cluster.

:func:`open_pool` gives a :class:`Pool` around a standard
:class:`concurrent.futures.Executor`:

* ``jobs <= 1`` and no cluster: serial, in this process;
* ``jobs = N``: N local worker processes (:class:`~concurrent.futures.ProcessPoolExecutor`),
  started at once and kept for every task: forked from this process on Linux when it
  runs no other thread (the workers then start with its imports and caches, warmed
  once here by ``warm``), else spawned (each worker runs ``warm`` as it starts);
* ``cluster = "tcp://host:8786"`` (or the ``DASK_SCHEDULER_ADDRESS`` environment
  variable): an existing Dask distributed cluster, through
  ``distributed.Client(address).get_executor()``;
* ``cluster = "local"``: a :class:`distributed.LocalCluster` of ``jobs`` worker
  processes, one thread each.

Tasks are data (:class:`energy.tasks.RunTask`): a worker needs no access to the
driver's files. Each run uses one HiGHS thread unless asked otherwise, and worker
processes get ``OMP_NUM_THREADS``, ``OPENBLAS_NUM_THREADS`` and ``MKL_NUM_THREADS``
= 1 in their environment from the start, so a worker is one core. On Dask each
task declares its memory as the resource ``MEMORY`` [bytes]
(:func:`energy.tasks.task_memory_bytes`) when the cluster's workers advertise it
(start them with ``dask worker ADDRESS --nthreads 1 --resources MEMORY=4e9``); a
local cluster started here advertises its workers' memory limit.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import sys
import threading
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field

from energy.errors import EnergyError

__all__ = ["CLUSTER_ENV", "MEMORY_RESOURCE", "Pool", "SerialExecutor", "cluster_address", "open_pool",
           "start_method"]

CLUSTER_ENV = "DASK_SCHEDULER_ADDRESS"
MEMORY_RESOURCE = "MEMORY"
CONNECT_TIMEOUT_S = 10.0
"""How long to wait for a Dask scheduler to answer. [s]"""
_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


class SerialExecutor(Executor):
    """Runs each task at once in this process; the future is done on return."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        fut: Future = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # delivered through the future, as an executor does
            if isinstance(exc, KeyboardInterrupt):
                raise
            fut.set_exception(exc)
        return fut


@dataclass
class Pool:
    """An executor and what the user should know about it.

    Attributes
    ----------
    executor : concurrent.futures.Executor
        Where ``submit`` sends work.
    kind : {"serial", "processes", "dask"}
    workers : int
        Workers (cores) the work spreads over.
    description : str
        One line for the user, e.g. ``2 local worker processes``.
    dashboard : str or None
        The Dask dashboard address (or why there is none); None off Dask.
    events : object or None
        A queue the workers can ``put((label, phase, elapsed_s))`` progress on
        (None on Dask: progress is then per finished task).
    """

    executor: Executor
    kind: str
    workers: int
    description: str
    dashboard: str | None = None
    events: object | None = None
    client: object | None = None
    memory_resource: int = 0
    """The smallest ``MEMORY`` resource of the Dask workers (0: not advertised). [bytes]"""
    _by_memory: dict = field(default_factory=dict)

    def submit(self, fn: Callable, *args, memory_bytes: int | None = None) -> Future:
        """Submit ``fn(*args)``; on Dask workers with a ``MEMORY`` resource, reserve ``memory_bytes``."""
        if self.client is not None and self.memory_resource and memory_bytes:
            # never ask for more than a worker has: the task would wait forever
            memory_bytes = min(int(memory_bytes), self.memory_resource)
            ex = self._by_memory.get(memory_bytes)
            if ex is None:
                ex = self._by_memory[memory_bytes] = self.client.get_executor(
                    pure=False, resources={MEMORY_RESOURCE: memory_bytes})
            return ex.submit(fn, *args)
        return self.executor.submit(fn, *args)

    def run_all(self, fn: Callable, tasks: list, *, memory=None) -> Iterator[tuple[object, Future]]:
        """``fn(task, self.events)`` for every task; yield ``(task, future)`` as each finishes.

        Serial work runs one task at a time as the caller iterates (so each result
        can be kept before the next task starts); pools get every task at once.
        ``memory(task)`` gives the bytes a task reserves on Dask.
        """
        if self.kind == "serial":
            for t in tasks:
                yield t, self.executor.submit(fn, t, self.events)
            return
        futs = {self.submit(fn, t, self.events, memory_bytes=memory(t) if memory else None): t
                for t in tasks}
        for fut in as_completed(futs):
            yield futs[fut], fut


def cluster_address(cluster: str | None) -> str | None:
    """The cluster asked for: the option, else ``DASK_SCHEDULER_ADDRESS``, else None."""
    return cluster or os.environ.get(CLUSTER_ENV) or None


def _one_thread() -> None:
    """Numeric libraries loaded from now on get one thread (the worker is one core)."""
    for var in _THREAD_VARS:
        os.environ.setdefault(var, "1")


@contextmanager
def _one_thread_children() -> Iterator[None]:
    """Processes started inside this block inherit one-thread settings in their environment.

    A spawned interpreter reads them before it loads numpy (an initializer runs too
    late: the main module's imports come first). This process's own settings are
    restored on exit. Python 3.12+ warns at a fork when the process has several OS
    threads; :func:`start_method` forks only without other Python threads, and the
    native ones are the idle thread pools of the BLAS libraries (OpenBLAS), which
    reset themselves at a fork (``pthread_atfork``): that warning is not shown.
    """
    saved = {v: os.environ.get(v) for v in _THREAD_VARS}
    _one_thread()
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", r"This process .* is multi-threaded", DeprecationWarning)
            yield
    finally:
        for var, value in saved.items():
            if value is None:
                os.environ.pop(var, None)
            else:
                os.environ[var] = value


def _worker_start(warm: Callable | None) -> None:
    """Initializer of a local worker process: one thread, then ``warm()`` (imports, shared caches)."""
    _one_thread()
    if warm is not None:
        warm()


def _noop() -> None:
    """A task that only makes the pool start a worker."""


def start_method() -> str:
    """How local workers start: ``fork`` on Linux when this process runs no other thread, else ``spawn``.

    A forked worker starts with this process's imports (Pyomo, HiGHS, pvlib: seconds
    to import) and caches instead of importing and computing them again; forking a
    process that runs threads is unsafe, and other platforms spawn.
    """
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return "fork"
    return "spawn"


@contextmanager
def open_pool(jobs: int = 1, cluster: str | None = None, *, on_event=None,
              warm: Callable | None = None) -> Iterator[Pool]:
    """A :class:`Pool` for ``jobs`` workers, or on ``cluster`` (see the module docstring).

    ``on_event(label, phase, elapsed_s)`` receives the workers' progress events
    (serial and local processes; on Dask the caller reports finished tasks).
    ``warm()`` (picklable, no arguments; e.g. :func:`energy.tasks.warm` of the first
    task) prepares a local worker process before its first task: the imports and the
    caches every task shares, paid once per worker (once in all when workers fork
    from this process) instead of inside the first task. Serial work and Dask
    workers warm up in their first task.

    Raises
    ------
    EnergyError
        Dask is not installed, or the scheduler cannot be reached.
    """
    address = cluster_address(cluster)
    if address is not None:
        with _dask_pool(address, jobs) as pool:
            yield pool
        return
    if jobs <= 1:
        yield Pool(SerialExecutor(), "serial", 1, "serial, in this process",
                   events=_Direct(on_event) if on_event else None)
        return
    with _process_pool(jobs, on_event, warm) as pool:
        yield pool


class _Direct:
    """Progress events of serial work go straight to the callback."""

    def __init__(self, on_event):
        self.on_event = on_event

    def put(self, event: tuple) -> None:
        self.on_event(*event)


@contextmanager
def _process_pool(jobs: int, on_event, warm: Callable | None) -> Iterator[Pool]:
    method = start_method()
    ctx = mp.get_context(method)
    if method == "fork" and warm is not None:
        warm()  # here, once: the forked workers inherit the imports and caches
        warm = None
    done = threading.Event()
    pump = manager = None
    try:
        with _one_thread_children():
            manager = ctx.Manager() if on_event else None
        events = manager.Queue() if manager else None
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_worker_start,
                                 initargs=(warm,)) as ex:
            with _one_thread_children():
                for _ in range(jobs):  # every worker starts now (and warms up) and stays for all tasks
                    ex.submit(_noop)
            if events is not None:  # started after the forks: a forked process must not inherit threads
                pump = threading.Thread(target=_pump, args=(events, on_event, done), daemon=True)
                pump.start()
            yield Pool(ex, "processes", jobs, f"{jobs} local worker processes", events=events)
    finally:
        done.set()
        if pump is not None:
            pump.join()
        if manager is not None:
            manager.shutdown()


def _pump(events, on_event, done: threading.Event) -> None:
    while True:
        try:
            event = events.get(timeout=0.1)
        except queue.Empty:
            if done.is_set():
                return
            continue
        except (EOFError, OSError):
            return
        on_event(*event)


def _import_distributed():
    try:
        import distributed
    except ImportError:
        raise EnergyError("--cluster: Dask distributed is not installed; expected "
                          "`pip install \"port-energy[cluster]\"` (or dask[distributed])") from None
    return distributed


@contextmanager
def _dask_pool(address: str, jobs: int) -> Iterator[Pool]:
    distributed = _import_distributed()
    cluster = None
    try:
        if address == "local":
            cluster = _local_cluster(distributed, max(jobs, 1))
            client = distributed.Client(cluster)
        else:
            client = distributed.Client(address, timeout=f"{CONNECT_TIMEOUT_S}s")
    except (OSError, TimeoutError) as exc:
        if cluster is not None:
            cluster.close()
        raise EnergyError(f"--cluster {address}: cannot reach the Dask scheduler ({exc}); expected "
                          f"the address of a running scheduler, e.g. tcp://127.0.0.1:8786") from None
    try:
        info = client.scheduler_info()
        workers = info.get("workers", {})
        n = sum(int(w.get("nthreads", 1)) for w in workers.values()) or 1
        mem = [float((w.get("resources") or {}).get(MEMORY_RESOURCE, 0)) for w in workers.values()]
        memory = int(min(mem)) if mem else 0
        where = "local Dask cluster" if cluster is not None else f"Dask cluster {address}"
        yield Pool(client.get_executor(pure=False), "dask", n,
                   f"{where}: {len(workers)} worker(s), {n} thread(s)",
                   dashboard=_dashboard(client), client=client, memory_resource=memory)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _local_cluster(distributed, jobs: int):
    from energy.tasks import task_memory_bytes

    per_worker = max(task_memory_bytes(8760), _memory_bytes() // (jobs + 1))
    return distributed.LocalCluster(
        n_workers=jobs, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address="127.0.0.1:0",  # a free port: never collides with another cluster
        memory_limit=per_worker, resources={MEMORY_RESOURCE: per_worker},
        env={v: "1" for v in _THREAD_VARS}, silence_logs=50,
    )


def _memory_bytes() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 8 * 2**30


def _dashboard(client) -> str:
    """The dashboard's address, or why there is none."""
    try:
        services = client.scheduler_info().get("services", {})
    except Exception:
        services = {}
    if "dashboard" in services:
        return client.dashboard_link
    return "none (the scheduler serves no dashboard: it needs bokeh installed beside it)"

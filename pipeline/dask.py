"""Annotating on a Dask cluster when one machine or process is not enough.

    from pipeline.dask import annotate
    summary = annotate(["dump/"], "out/", client=Client("tcp://scheduler:8786"))

Inputs are split into partitions (see `pipeline.partitions`); every partition is one Dask task
that reads its range of the inputs on a worker, annotates it with that worker process's
pipeline (built once per process and reused for later partitions) and writes its part file
atomically. The client records each finished partition in the manifest, so rerunning the same
call completes only what is missing. A worker that dies mid-partition loses only that attempt:
the scheduler runs the task again on another worker. Workers must see the inputs and the
output directory at the same paths (one machine, or a shared file system).

For Dask graphs of your own, `annotate_bag` maps a Bag of texts or records to a Bag of
annotated documents.
"""
from __future__ import annotations

import logging
import os
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Optional, Union

from .config import Config, load_config
from . import partitions as parts

log = logging.getLogger("warta")


@dataclass
class DaskSummary:
    """What a partitioned run did."""

    outdir: str
    partitions: int = 0
    computed: list[int] = field(default_factory=list)   # partitions annotated by this run
    adopted: list[int] = field(default_factory=list)    # complete part files found unrecorded
    failed: dict[int, str] = field(default_factory=dict)
    documents: int = 0
    errors: int = 0
    words: int = 0
    skipped: dict[str, int] = field(default_factory=dict)  # WARC records that are not HTML pages
    seconds: float = 0.0
    dashboard: Optional[str] = None
    workers: int = 0

    @property
    def complete(self) -> bool:
        return not self.failed

    @property
    def ok(self) -> bool:
        return self.complete and self.errors == 0


def local_cluster(workers: Optional[int] = None, dashboard: Optional[str] = ":8787", **kwargs: Any):
    """A LocalCluster of worker processes (one thread each), by default one per CPU core.

    Dask's nanny sets MALLOC_TRIM_THRESHOLD_=65536 in workers to return memory to the system
    sooner; with spaCy's many small allocations that costs about 8% CPU in system time (measured
    with `warta annotate`: 2.0 vs 0.75 s sys for 200 articles), so Warta's own clusters leave
    glibc's default. They also switch off the workers' statistical profiler (a thread sampling
    every task's stack every 10 ms, for the dashboard's profile page), which costs CPU on
    Python-heavy tasks like these (`bench/soak.py` prints words per worker CPU-second)."""
    import dask
    from distributed import LocalCluster

    environ = {k: v for k, v in dask.config.get("distributed.nanny.pre-spawn-environ", {}).items()
               if k != "MALLOC_TRIM_THRESHOLD_"}
    with dask.config.set({"distributed.nanny.pre-spawn-environ": environ,
                          "distributed.worker.profile.enabled": False}):
        return LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                            processes=True, dashboard_address=dashboard,
                            silence_logs=logging.ERROR, **kwargs)


def connect(scheduler: str = "local", workers: Optional[int] = None):
    """(client, cluster-or-None) for 'local' (a new LocalCluster) or a scheduler address."""
    from distributed import Client

    for name in ("distributed", "tornado"):  # their INFO lines are not for Warta users
        logging.getLogger(name).setLevel(logging.WARNING)
    if scheduler == "local":
        cluster = local_cluster(workers)
        return Client(cluster), cluster
    return Client(scheduler), None


def annotate(inputs: Iterable[Union[str, Path]], outdir: Union[str, Path], client=None,
             config: Union[None, str, Path, Mapping[str, Any]] = None,
             partitions: Optional[int] = None, overwrite: bool = False, progress: bool = True,
             scheduler: Optional[str] = None, workers: Optional[int] = None,
             retries: int = 2, say: Callable[[str], Any] = lambda msg: print(f"warta: {msg}", file=sys.stderr),
             ) -> DaskSummary:
    """Annotate `inputs` into part files under `outdir` on a Dask cluster: `client`, else one
    connected to `scheduler` (default: `dask.scheduler` of the config; 'local' starts a
    LocalCluster of `workers` processes, default one per core) when there is work to do.
    Rerunning completes only missing or corrupt partitions; a changed config, model or input
    is refused (ManifestError) unless `overwrite`. `warta merge` (`partitions.merge`) joins
    the part files. `say` gets the messages for the user (dashboard link, redone parts)."""
    cfg: Config = load_config(config)
    inputs = [str(i) for i in inputs]
    out = Path(outdir).resolve()
    started = time.perf_counter()
    own_cluster, own_client = None, client is None
    with parts.locked(out):
        manifest = parts.prepare(inputs, out, cfg, partitions or cfg["dask"]["partitions"],
                                 overwrite=overwrite, log=say)
        summary = DaskSummary(str(out), partitions=len(manifest["partitions"]))
        pending = [p for p in manifest["partitions"] if p["status"] != "done"]
        for part in [p for p in pending if not p.get("redo")]:
            found = parts.adopt_part(out, part)
            if found:
                parts.record_done(part, found)
                summary.adopted.append(part["id"])
                pending.remove(part)
        if summary.adopted:
            parts.write_manifest(out, manifest)
        parts.remove_temporaries(out)
        if pending:
            if client is None:
                client, own_cluster = connect(scheduler or cfg["dask"]["scheduler"], workers)
            try:
                summary.dashboard = client.dashboard_link
                summary.workers = len(client.scheduler_info().get("workers", {}))
                say(f"Dask dashboard: {summary.dashboard} ({summary.workers} workers, "
                    f"{len(pending)} of {summary.partitions} partitions to do)")
                _run(client, manifest, pending, cfg, out, summary, progress, retries, say)
            finally:
                if own_client:
                    client.close()
                if own_cluster is not None:
                    own_cluster.close()
        parts.write_manifest(out, manifest)
        parts.remove_temporaries(out)
    total = parts.totals(manifest)
    summary.documents, summary.errors, summary.words = total["documents"], total["errors"], total["words"]
    summary.skipped = total["skipped"]
    summary.seconds = time.perf_counter() - started
    return summary


def _run(client, manifest: dict, pending: list[dict], cfg: Config, out: Path, summary: DaskSummary,
         progress: bool, retries: int, say: Callable[[str], Any]) -> None:
    from distributed import as_completed
    from tqdm import tqdm

    output_cfg = dict(cfg)
    run = uuid.uuid4().hex[:8]  # keys of this run only: Dask never hands back an older result
    by_key = {}
    futures = []
    for part in pending:
        files, shifted = parts.task_arguments(manifest, part)
        fut = client.submit(parts.run_partition, files, shifted, output_cfg, str(out),
                            key=f"warta-part-{part['id']:05d}-{run}", pure=False, retries=retries)
        by_key[fut.key] = part
        futures.append(fut)
    bar = tqdm(total=len(futures), unit="part", desc="warta", disable=not progress, file=sys.stderr)
    words = 0
    t0 = time.perf_counter()
    last_write = 0.0
    try:
        for fut in as_completed(futures):
            part = by_key[fut.key]
            try:
                result = fut.result()
            except Exception as exc:  # the task failed `retries` times or its workers kept dying
                summary.failed[part["id"]] = f"{type(exc).__name__}: {exc}"
                part.update(status="failed", failure=summary.failed[part["id"]])
                say(f"partition {part['id']} failed: {type(exc).__name__}: {exc} (rerun to retry)")
            else:
                parts.record_done(part, result)
                summary.computed.append(part["id"])
                words += result["words"]
            fut.release()
            bar.update(1)
            bar.set_postfix_str(f"{words / max(time.perf_counter() - t0, 1e-9):,.0f} words/s")
            now = time.perf_counter()
            if now - last_write > 2.0:  # the manifest can lag: unrecorded part files are adopted
                parts.write_manifest(out, manifest)
                last_write = now
    finally:
        bar.close()
    summary.computed.sort()


def cluster_figures(client) -> dict[str, Any]:
    """Resident memory (MiB) of every worker process, for monitoring and the soak benchmark."""
    import psutil

    return client.run(lambda: psutil.Process().memory_info().rss / 2**20)


# ----------------------------------------------------------------------------- Dask bags

def annotate_partition(records: Iterable[Any], config: Optional[Mapping[str, Any]] = None,
                       partition: int = 0) -> list[dict]:
    """Annotate one partition of texts or records with this process's pipeline. A record that
    cannot be annotated gives `{"id", "source", "error"}` instead of failing the partition;
    texts without an id get `p{partition}-{index}` so ids are unique across partitions."""
    from .io import InputError
    from .runner import annotate_chunk

    with parts._LOCK:  # one pipeline per process, used by one thread at a time
        annotator = parts._annotator(load_config(dict(config) if config else None))
        items = []
        for k, r in enumerate(records):
            key = f"p{partition}-{k}"
            own = r.get("source") if isinstance(r, Mapping) else None
            items.append(annotator.to_item(r, k, source=own if isinstance(own, str) else key, default_id=key))
        results = annotate_chunk(annotator, items)
    return [{"id": res.id, "source": res.key, "error": res.reason} if isinstance(res, InputError) else res
            for res in results]


def annotate_bag(bag, config: Optional[Mapping[str, Any]] = None):
    """A dask Bag of texts or records -> a Bag of annotated documents (same order); bad records
    become `{"id", "source", "error"}` items."""
    import dask
    import dask.bag as db

    cfg = dict(config) if config else None
    parts_ = [dask.delayed(annotate_partition)(p, cfg, i) for i, p in enumerate(bag.to_delayed())]
    return db.from_delayed(parts_)

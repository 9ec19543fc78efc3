"""pipeline.heap: freed memory goes back to the system between batches."""
import sys

import pytest

from pipeline.heap import release_free_memory


def _rss_mib() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_release_gives_fragmented_free_memory_back():
    # 200k blocks of 1 KB (malloc, not Python's small-object allocator); freeing all but every
    # 100th leaves holes below live blocks, which glibc keeps resident until trimmed
    blocks = [bytearray(1024) for _ in range(200_000)]
    kept = blocks[::100]
    del blocks
    before = _rss_mib()
    assert release_free_memory() is True
    after = _rss_mib()
    assert before - after > 100, (before, after)
    assert len(kept) == 2000


def test_annotator_releases_after_each_batch(monkeypatch):
    from pipeline import runner
    from pipeline.config import load_config

    calls = []
    monkeypatch.setattr(runner, "release_free_memory", lambda: calls.append(1) or True)
    cfg = load_config({"pipeline": {"model": None, "batch_size": 2}})
    annotator = runner.Annotator(cfg)
    texts = ["Presiden Joko Widodo meresmikan jembatan di Kalimantan Timur pada Senin."] * 5
    out = list(annotator.pipe(texts))
    assert len(out) == 5 and calls == [1, 1, 1]
    off = runner.Annotator(load_config({"pipeline": {"model": None, "batch_size": 2, "release_memory": False}}))
    calls.clear()
    assert [r["text"] for r in off.pipe(texts)] == [r["text"] for r in out] and calls == []

"""Regenerates docs/show.png and docs/report.png from the seeds (needs headless Chromium).

Run from the repository root: python docs/make_screenshots.py
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

import pipeline  # noqa: E402
from pipeline.batch import annotate_files  # noqa: E402
from pipeline.report import write_report  # noqa: E402
from pipeline.show import write_page  # noqa: E402
from tests.warta_outputs import run_chromium  # noqa: E402


def shrink(src: Path, dst: Path, width: int = 800, colours: int = 48) -> None:
    img = Image.open(src).convert("RGB")
    img = img.resize((width, round(img.height * width / img.width)), Image.LANCZOS)
    img.quantize(colors=colours, method=Image.Quantize.MEDIANCUT).save(dst, optimize=True)


def main() -> None:
    import os

    os.chdir(ROOT)  # sources read "seeds/..."
    tmp = Path(tempfile.mkdtemp())
    out = tmp / "seeds.jsonl"
    annotate_files(["seeds"], out, pipeline.load(), progress=False)
    write_page(out, "004_861e2fd0c5004fd0", tmp / "show.html")
    write_report(out, tmp / "report.html")
    run_chromium(tmp / "show.html", tmp / "show.png", size="1100,2300")
    run_chromium(tmp / "report.html", tmp / "report.png", size="1100,1900")
    shrink(tmp / "show.png", ROOT / "docs" / "show.png")
    shrink(tmp / "report.png", ROOT / "docs" / "report.png")
    for name in ("show.png", "report.png"):
        print(ROOT / "docs" / name, (ROOT / "docs" / name).stat().st_size, "bytes")


if __name__ == "__main__":
    main()

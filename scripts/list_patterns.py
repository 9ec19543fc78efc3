"""Print the relation patterns of lang/id/relation_patterns.yaml as a Markdown table (for the README).

Usage: python scripts/list_patterns.py [--report REPORT.json]
With the JSON of `bench/relations_report.py --part all --json REPORT.json`, each row also shows
how many facts the pattern stated on relations-dev and the share of them that are in the gold.
"""
from __future__ import annotations

import argparse
import json

import yaml

from pipeline.config import load_config


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--report", help="JSON written by bench/relations_report.py --json")
    a = ap.parse_args()
    data = yaml.safe_load(open(load_config()["relations"]["patterns"], encoding="utf-8"))
    stats = {}
    if a.report:
        stats = {(r["pattern"], r["label"]): r for r in json.load(open(a.report, encoding="utf-8"))["patterns"]}
    extra = " dev facts | dev precision |" if a.report else ""
    print("| pattern | label | type |" + extra + " example |")
    print("|---|---|---|" + ("---|---|" if a.report else "") + "---|")
    for p in data["patterns"]:
        cols = ""
        if a.report:
            r = stats.get((p["name"], p["label"]))
            cols = f" {r['fires']} | {r['precision']:.2f} |" if r else " 0 | - |"
        print(f"| `{p['name']}` | {p['label']} | {p.get('type', 'token')} |{cols} {p['example']} |")


if __name__ == "__main__":
    main()

"""Print the relation patterns of lang/id/relation_patterns.yaml as a Markdown table (for the README)."""
from __future__ import annotations

import yaml

from pipeline.config import load_config


def main() -> None:
    data = yaml.safe_load(open(load_config()["relations"]["patterns"], encoding="utf-8"))
    print("| pattern | label | type | example |")
    print("|---|---|---|---|")
    for p in data["patterns"]:
        print(f"| `{p['name']}` | {p['label']} | {p.get('type', 'token')} | {p['example']} |")


if __name__ == "__main__":
    main()

"""`warta` command line: parses arguments and calls the plain functions of the package.

Exit status of `warta annotate`: 0 = every document annotated; 1 = the run finished but
some documents or files were refused (see OUT.errors.jsonl); 2 = bad usage or config.
"""
from __future__ import annotations

import argparse
import sys
import warnings
from typing import Optional, Sequence

from .config import ConfigError, load_config

EXIT_OK, EXIT_DOC_ERRORS, EXIT_USAGE = 0, 1, 2


def _annotate_parser(sub) -> None:
    p = sub.add_parser("annotate", help="annotate documents into JSONL",
                       description="Annotate .txt/.jsonl/.jsonl.gz/.html files, directories or '-' "
                                   "(JSONL on stdin) into one JSON object per document.")
    p.add_argument("inputs", nargs="+", metavar="INPUT")
    p.add_argument("-o", "--output", required=True, help="output JSONL ('-' = stdout)")
    p.add_argument("--config", help="YAML settings merged over config.yaml")
    p.add_argument("--model", help="spaCy model directory (overrides pipeline.model)")
    p.add_argument("--no-model", action="store_true",
                   help="no statistical model: tokenizer, lookups and rules only")
    p.add_argument("--no-clean", action="store_true", help="input is already clean text")
    p.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    p.add_argument("--resume", action="store_true",
                   help="complete an interrupted run: skip documents already written")
    p.add_argument("--id-field", help="JSONL field holding the document id")
    p.add_argument("--text-field", help="JSONL field holding the text")
    p.add_argument("--html-field", help="JSONL field holding HTML to clean")
    p.add_argument("--keep-raw", action="store_true", help="add the raw (block-line) text as 'raw'")
    p.add_argument("--keep-lines", action="store_true", help="add per-line cleaning labels as 'lines'")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar or warnings")
    p.set_defaults(func=cmd_annotate)


def _overrides(args: argparse.Namespace) -> dict:
    ov: dict = {}
    if args.model:
        ov.setdefault("pipeline", {})["model"] = args.model
    if args.no_model:
        ov.setdefault("pipeline", {})["model"] = None
    if args.no_clean:
        ov.setdefault("clean", {})["enabled"] = False
    for flag, key in (("id_field", "id_field"), ("text_field", "text_field"), ("html_field", "html_field")):
        if getattr(args, flag):
            ov.setdefault("input", {})[key] = getattr(args, flag)
    if args.keep_raw:
        ov.setdefault("output", {})["keep_raw"] = True
    if args.keep_lines:
        ov.setdefault("output", {})["keep_lines"] = True
    return ov


def cmd_annotate(args: argparse.Namespace) -> int:
    from .batch import annotate_files
    from .runner import Annotator, PipelineError

    if args.workers < 1:
        print("warta: --workers must be >= 1", file=sys.stderr)
        return EXIT_USAGE
    if args.resume and args.output == "-":
        print("warta: --resume needs an output file, not stdout", file=sys.stderr)
        return EXIT_USAGE
    try:
        config = load_config(args.config, _overrides(args))
        annotator = Annotator(config)
    except (ConfigError, PipelineError) as exc:
        print(f"warta: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.quiet:
        warnings.simplefilter("ignore")
        import logging

        logging.getLogger("warta").setLevel(logging.ERROR)
    summary = annotate_files(
        args.inputs, args.output, annotator if args.workers == 1 else config,
        workers=args.workers, resume=args.resume, progress=not args.quiet,
        warn=(lambda msg: None) if args.quiet else
        (lambda msg: print(f"warta: warning: {msg}", file=sys.stderr)),
    )
    if not args.quiet:
        print(f"warta: {summary.documents} documents written to {args.output}, "
              f"{summary.errors} errors, {summary.skipped} skipped (resume), "
              f"{summary.seconds:.1f}s", file=sys.stderr)
    return EXIT_OK if summary.ok else EXIT_DOC_ERRORS


def _evaluate_parser(sub) -> None:
    p = sub.add_parser("evaluate", help="score predictions against gold files",
                       description="Score cleaning, entities, relations, stems and syntax against gold "
                                   "(Warta JSONL, CoNLL BIO, Prodigy/doccano JSONL, CoNLL-U).")
    p.add_argument("--gold", required=True, help="gold file")
    p.add_argument("--pred", help="predictions (Warta JSONL); default: run the pipeline on the gold texts")
    p.add_argument("--task", default="all", choices=["clean", "ner", "relations", "stems", "syntax", "all"])
    p.add_argument("--config", help="YAML settings merged over config.yaml")
    p.add_argument("--model", help="spaCy model directory (overrides pipeline.model)")
    p.add_argument("--no-model", action="store_true", help="rules only")
    p.add_argument("--no-clean", action="store_true", help="gold texts are already clean sentences")
    p.add_argument("--labels", help="comma-separated entity labels to score (default: those in the gold)")
    p.add_argument("--compare", help="a second prediction file: paired bootstrap test against it")
    p.add_argument("--bootstrap", type=int, help="bootstrap resamples (0 = no intervals)")
    p.add_argument("--errors", type=int, default=0, metavar="N", help="list N false positives and misses")
    p.add_argument("--json", help="write the full results as JSON")
    p.add_argument("--markdown", help="write the table as Markdown")
    p.set_defaults(func=cmd_evaluate, id_field=None, text_field=None, html_field=None,
                   keep_raw=False, keep_lines=False)


def cmd_evaluate(args: argparse.Namespace) -> int:
    import json

    from .evaluate import evaluate, format_table
    from .runner import Annotator, PipelineError

    try:
        config = load_config(args.config, _overrides(args))
        annotator = None if args.pred else Annotator(config)
        result = evaluate(
            args.gold, args.pred, [args.task], annotator=annotator,
            label_map=config["evaluate"]["label_map"],
            labels=set(args.labels.split(",")) if args.labels else None,
            compare_path=args.compare,
            bootstrap_n=config["evaluate"]["bootstrap"] if args.bootstrap is None else args.bootstrap,
            n_errors=args.errors)
    except (ConfigError, PipelineError, ValueError, OSError) as exc:
        print(f"warta: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(format_table(result))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(result, fh, indent=2, ensure_ascii=False, default=list)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as fh:
            fh.write(format_table(result, markdown=True) + "\n")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="warta", description="Indonesian news extraction pipeline")
    sub = parser.add_subparsers(dest="command", required=True)
    _annotate_parser(sub)
    _evaluate_parser(sub)
    _train_parser(sub)
    _train_cleaner_parser(sub)
    return parser


def _train_cleaner_parser(sub) -> None:
    p = sub.add_parser("train-cleaner", help="train the cleaner's line model and print its site-held-out scores",
                       description="Train models/cleaner (see pipeline/train_cleaner.py); prints the "
                                   "leave-one-site-out table with the baselines.")
    p.add_argument("--data", default="../shared/data", help="the shared data directory")
    p.add_argument("--out", default="models/cleaner")
    p.add_argument("--no-cv", action="store_true", help="train only, no cross-validation")
    p.set_defaults(func=cmd_train_cleaner)


def cmd_train_cleaner(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .train_cleaner import train_cleaner

    train_cleaner(Path(args.data), Path(args.out), cv=not args.no_cv)
    return EXIT_OK


def _train_parser(sub) -> None:
    p = sub.add_parser("train", help="train the spaCy model from the public data",
                       description="Train models/id_warta_news from ../shared/data (see pipeline/train.py).")
    p.add_argument("--data", required=True, help="the shared data directory")
    p.add_argument("--out", default="models/id_warta_news")
    p.add_argument("--ner-steps", type=int, default=2000, help="steps on idner-news-2k train (stage 2)")
    p.add_argument("--ner-mix-steps", type=int, default=4000, help="steps on the mixed NER data (stage 1)")
    p.add_argument("--syntax-steps", type=int, default=2000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--ner-extra", default="nerui,nergrit,nerp",
                   help="comma-separated extra NER sets for stage 1 (nerui, nergrit, nerp) or 'none' "
                        "(then NER is trained on idner-news-2k train alone)")
    p.add_argument("--no-vectors", action="store_true", help="skip the floret vectors")
    p.set_defaults(func=cmd_train)


def cmd_train(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from .train import train_all

    out = Path(args.out)
    extra = [] if args.ner_extra in ("", "none") else args.ner_extra.split(",")
    metrics = train_all(Path(args.data), out, out.parent / ".training", syntax_steps=args.syntax_steps,
                        ner_steps=args.ner_steps, ner_mix_steps=args.ner_mix_steps, seed=args.seed,
                        ner_extra=extra, vectors=not args.no_vectors)
    print(json.dumps(metrics, indent=2))
    return EXIT_OK


def main(argv: Optional[Sequence[str]] = None) -> int:
    import logging

    logging.basicConfig(format="warta: warning: %(message)s", level=logging.WARNING)
    parser = build_parser()
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())

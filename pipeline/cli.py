"""`warta` command line: parses arguments and calls the plain functions of the package.

Exit status of `warta annotate`: 0 = every document annotated; 1 = the run finished but
some documents or files were refused (see OUT.errors.jsonl); 2 = bad usage, config or model;
3 = aborted (an unexpected error, disk full, ...).
"""
from __future__ import annotations

import argparse
import sys
import warnings
from typing import Optional, Sequence

from .config import ConfigError, load_config

EXIT_OK, EXIT_DOC_ERRORS, EXIT_USAGE, EXIT_ABORTED = 0, 1, 2, 3


def _annotate_parser(sub) -> None:
    p = sub.add_parser("annotate", help="annotate documents into JSONL",
                       description="Annotate .txt/.jsonl/.jsonl.gz/.html files, directories or '-' "
                                   "(JSONL on stdin) into one JSON object per document.")
    p.add_argument("inputs", nargs="+", metavar="INPUT")
    p.add_argument("-o", "--output", required=True, help="output JSONL ('-' = stdout; '.gz' = gzip)")
    p.add_argument("--format", choices=["jsonl", "text"], default="jsonl",
                   help="what '-' (stdin) holds: JSONL records (default) or one plain-text document")
    p.add_argument("--config", help="YAML settings merged over config.yaml")
    p.add_argument("--model", help="spaCy model directory (overrides pipeline.model)")
    p.add_argument("--no-model", action="store_true",
                   help="no statistical model: tokenizer, lookups and rules only")
    p.add_argument("--no-clean", action="store_true", help="input is already clean text")
    p.add_argument("--backend", choices=["spacy", "stanza"],
                   help="tokens and syntax from spaCy (default) or Stanza (overrides pipeline.backend)")
    p.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    p.add_argument("--resume", action="store_true",
                   help="complete an interrupted run: skip documents already written")
    p.add_argument("--resume-anyway", action="store_true",
                   help="with --resume, continue even if the output was written by another model/config")
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
    if getattr(args, "backend", None):
        ov.setdefault("pipeline", {})["backend"] = args.backend
    for flag, key in (("id_field", "id_field"), ("text_field", "text_field"), ("html_field", "html_field")):
        if getattr(args, flag):
            ov.setdefault("input", {})[key] = getattr(args, flag)
    if args.keep_raw:
        ov.setdefault("output", {})["keep_raw"] = True
    if args.keep_lines:
        ov.setdefault("output", {})["keep_lines"] = True
    return ov


def cmd_annotate(args: argparse.Namespace) -> int:
    from .batch import ResumeMismatch, annotate_files
    from .runner import Annotator, PipelineError

    if args.workers < 1:
        print("warta: --workers must be >= 1", file=sys.stderr)
        return EXIT_USAGE
    if args.resume and args.output == "-":
        print("warta: --resume needs an output file, not stdout", file=sys.stderr)
        return EXIT_USAGE
    if args.quiet:
        warnings.simplefilter("ignore")
        import logging

        logging.getLogger("warta").setLevel(logging.ERROR)
    try:
        annotator = Annotator(load_config(args.config, _overrides(args)))
        summary = annotate_files(
            args.inputs, args.output, annotator, workers=args.workers, resume=args.resume,
            progress=not args.quiet, resume_anyway=args.resume_anyway, stdin_format=args.format,
            warn=(lambda msg: None) if args.quiet else
            (lambda msg: print(f"warta: warning: {msg}", file=sys.stderr)),
        )
    except (ConfigError, PipelineError, ResumeMismatch) as exc:
        print(f"warta: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not args.quiet:
        print(f"warta: {summary.documents} documents written to {args.output}, "
              f"{summary.errors} errors, {summary.skipped} skipped (resume), "
              f"{summary.seconds:.1f}s", file=sys.stderr)
    return EXIT_OK if summary.ok else EXIT_DOC_ERRORS


def cmd_info(args: argparse.Namespace) -> int:
    from .info import describe

    try:
        print(describe(load_config(args.config, _overrides(args))))
    except ConfigError as exc:
        print(f"warta: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


def _info_parser(sub) -> None:
    p = sub.add_parser("info", help="version, model, its scores and the data files in use")
    p.add_argument("--config", help="YAML settings merged over config.yaml")
    p.add_argument("--model", help="spaCy model directory (overrides pipeline.model)")
    p.add_argument("--no-model", action="store_true")
    p.set_defaults(func=cmd_info, no_clean=False, id_field=None, text_field=None, html_field=None,
                   keep_raw=False, keep_lines=False)


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
    print(format_table(result), flush=True)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(result, fh, indent=2, ensure_ascii=False, default=list)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as fh:
            fh.write(format_table(result, markdown=True) + "\n")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(prog="warta", description="Indonesian news extraction pipeline")
    parser.add_argument("--version", action="version", version=f"warta {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    _annotate_parser(sub)
    _evaluate_parser(sub)
    _train_parser(sub)
    _info_parser(sub)
    _train_stanza_parser(sub)
    return parser


def _train_stanza_parser(sub) -> None:
    from .train_stanza import STEPS

    p = sub.add_parser("train-stanza", help="train the Stanza models of the stanza backend, offline",
                       description="Train Stanza models (pretrain, charlm, tokenize, mwt, pos, lemma, "
                                   "depparse, ner) from ../shared/data; resumable by step; writes CARD.md.")
    p.add_argument("--data", required=True, help="the shared data directory")
    p.add_argument("--out", default="models/stanza_id", help="model directory (stanza.dir)")
    p.add_argument("--work", help="intermediate files (default: <out>/../.training/stanza)")
    p.add_argument("--steps", default=",".join(STEPS), help=f"comma-separated steps (default: all: {','.join(STEPS)})")
    p.add_argument("--scale", type=float, default=1.0,
                   help="multiply every step's training length (0.01 for a smoke run)")
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("--force", action="store_true", help="retrain steps whose model already exists")
    p.add_argument("--set", action="append", default=[], metavar="STEP.KEY=VALUE",
                   help="override a training setting, e.g. charlm.chars=4000000 (repeatable)")
    p.add_argument("--time-limit", type=float, help="seconds per trainer; its best model so far is kept")
    p.set_defaults(func=cmd_train_stanza)


def cmd_train_stanza(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .train_stanza import train_stanza

    out = Path(args.out)
    card = train_stanza(Path(args.data), out, Path(args.work) if args.work else out.parent / ".training" / "stanza",
                        steps=[s for s in args.steps.split(",") if s], scale=args.scale, seed=args.seed,
                        force=args.force, settings=args.set, time_limit=args.time_limit)
    print(card)
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
    import os

    logging.basicConfig(format="warta: warning: %(message)s", level=logging.WARNING)
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code = args.func(args)
        sys.stdout.flush()
        return code
    except BrokenPipeError:  # `warta ... | head`: the reader left; no traceback
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())

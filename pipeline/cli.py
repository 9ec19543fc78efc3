"""`warta` command line: parses arguments and calls the plain functions of the package.

Exit status (every failure ends with one line `warta: error: <cause>` on stderr, no traceback;
set WARTA_DEBUG=1 to see it): 0 = every document annotated; 1 = the run finished but some
documents or files were refused (see OUT.errors.jsonl); 2 = nothing was done: bad usage or
config (including a model directory that is not a spaCy model, a missing data file, an output
that is an input, is a directory or is locked by another run); 3 = the run was aborted midway
(disk full, an internal error): `--resume` cuts a torn last line and completes the run;
130 = interrupted (Ctrl-C).
"""
from __future__ import annotations

import argparse
import errno
import os
import sys
import traceback
import warnings
from typing import Optional, Sequence

from .config import ConfigError, load_config

EXIT_OK, EXIT_DOC_ERRORS, EXIT_USAGE, EXIT_ABORTED, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


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
    _dask_options(p)
    p.set_defaults(func=cmd_annotate)


def _dask_options(p) -> None:
    g = p.add_argument_group("Dask (README: Scaling out)")
    g.add_argument("--dask", metavar="SCHEDULER", help="run on a Dask cluster: a scheduler address (tcp://host:8786) or 'local' "
                        "(a LocalCluster, --workers processes or one per core); -o is then a directory")
    g.add_argument("--partitions", type=int, metavar="N", help="number of partitions (default: ~1000 units each)")
    g.add_argument("--overwrite", action="store_true",
                   help="start over when OUTDIR holds a run with another config, model or inputs")


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

    if args.dask or args.partitions or _engine(args) == "dask":
        return cmd_annotate_dask(args)
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
    except (ConfigError, PipelineError) as exc:
        print(f"warta: error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except (OSError, ValueError) as exc:  # e.g. a model directory spaCy cannot load
        print(f"warta: error: cannot load the pipeline: {_one_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    try:
        summary = annotate_files(
            args.inputs, args.output, annotator, workers=args.workers, resume=args.resume,
            progress=not args.quiet, resume_anyway=args.resume_anyway, stdin_format=args.format,
            warn=(lambda msg: None) if args.quiet or args.output == "-" else  # '-': JSON errors on stderr
            (lambda msg: print(f"warta: warning: {msg}", file=sys.stderr)),
        )
    except ResumeMismatch as exc:
        print(f"warta: error: {exc}", file=sys.stderr)
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


def _engine(args: argparse.Namespace) -> Optional[str]:
    try:
        return load_config(args.config, _overrides(args))["engine"]
    except ConfigError:
        return None  # cmd_annotate reports it


def cmd_annotate_dask(args: argparse.Namespace) -> int:
    """`warta annotate ... -o OUTDIR --dask SCHEDULER|local`: part files + manifest in OUTDIR."""
    from .dask import annotate
    from .partitions import ManifestError
    from .runner import Annotator, PipelineError

    if args.output == "-" or args.resume:
        print("warta: with --dask, -o is a directory and reruns resume by themselves "
              "(no '-', no --resume)", file=sys.stderr)
        return EXIT_USAGE
    if (args.partitions is not None and args.partitions < 1) or args.workers < 1:
        print("warta: --partitions and --workers must be >= 1", file=sys.stderr)
        return EXIT_USAGE
    try:
        config = load_config(args.config, _overrides(args))
        Annotator(config)  # fail early on a bad stage sequence or config, before any cluster starts
    except (ConfigError, PipelineError) as exc:
        print(f"warta: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.quiet:
        warnings.simplefilter("ignore")
    say = (lambda msg: None) if args.quiet else (lambda msg: print(f"warta: {msg}", file=sys.stderr))
    try:
        summary = annotate(args.inputs, args.output, config=config,
                           scheduler=args.dask or config["dask"]["scheduler"],
                           workers=args.workers if args.workers > 1 else None,
                           partitions=args.partitions, overwrite=args.overwrite,
                           progress=not args.quiet, say=say)
    except (ManifestError, ValueError, OSError) as exc:
        print(f"warta: {exc}", file=sys.stderr)
        return EXIT_USAGE
    say(f"{summary.documents} documents in {summary.partitions} partitions under {args.output} "
        f"({len(summary.computed)} annotated now, {summary.errors} errors"
        + (f", {sum(summary.skipped.values())} WARC records skipped" if summary.skipped else "")
        + f"), {summary.seconds:.1f}s")
    if summary.errors:
        say(f"refused documents are listed in {args.output}/part-*.errors.jsonl")
    if summary.failed:
        say(f"{len(summary.failed)} partitions failed: rerun the same command to complete them")
    return EXIT_OK if summary.ok else EXIT_DOC_ERRORS


def _merge_parser(sub) -> None:
    p = sub.add_parser("merge", help="join the part files of a --dask run in input order",
                       description="Concatenate OUTDIR/part-*.jsonl.gz (checked against the manifest) "
                                   "into one file, and their errors into OUT.errors.jsonl.")
    p.add_argument("outdir", metavar="OUTDIR")
    p.add_argument("-o", "--output", required=True, help="merged JSONL (.gz: gzip)")
    p.set_defaults(func=cmd_merge)


def cmd_merge(args: argparse.Namespace) -> int:
    from .partitions import ManifestError, merge

    try:
        done = merge(args.outdir, args.output)
    except (ManifestError, OSError) as exc:
        print(f"warta: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"warta: {done['documents']} documents, {done['errors']} errors from {done['partitions']} "
          f"partitions written to {args.output}", file=sys.stderr)
    return EXIT_OK


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
    _export_parser(sub)
    _show_parser(sub)
    _report_parser(sub)
    _merge_parser(sub)
    _train_cleaner_parser(sub)
    _train_stanza_parser(sub)
    return parser


def _train_cleaner_parser(sub) -> None:
    p = sub.add_parser("train-cleaner", help="train the cleaner's line model and print its site-held-out scores",
                       description="Train models/cleaner (see pipeline/train_cleaner.py); prints the "
                                   "leave-one-site-out table with the baselines.")
    p.add_argument("--data", default="../shared/data", help="the shared data directory")
    p.add_argument("--out", default="models/cleaner")
    p.add_argument("--no-cv", action="store_true", help="train only, no cross-validation")
    p.add_argument("--jobs", type=int, default=1, help="cross-validation folds trained in parallel")
    p.add_argument("--no-baselines", action="store_true", help="cross-validate the model only (faster)")
    p.add_argument("--augment", type=int, default=None,
                   help="synthetic crawl pages per crawl training page (0: none; default: as shipped)")
    p.add_argument("--page-tops", type=int, default=None,
                   help="crawl-like page tops cut per full-page training page (0: none; default: as shipped)")
    p.set_defaults(func=cmd_train_cleaner)


def cmd_train_cleaner(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .train_cleaner import train_cleaner

    train_cleaner(Path(args.data), Path(args.out), cv=not args.no_cv, jobs=args.jobs,
                  baselines=not args.no_baselines, augment=args.augment, page_tops=args.page_tops)
    return 0


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


def _export_parser(sub) -> None:
    p = sub.add_parser("export", help="write Warta JSONL as Parquet tables",
                       description="Write the documents, tokens, sentences, entities, relations and "
                                   "boilerplate tables of Warta JSONL(.gz) as Parquet (pipeline.frames).")
    p.add_argument("inputs", nargs="+", metavar="OUT.jsonl", help="Warta output (.jsonl, .jsonl.gz, dirs)")
    p.add_argument("--parquet", required=True, metavar="DIR", help="output directory")
    p.add_argument("--part-size", type=int, default=10_000, help="documents per Parquet part (default 10000)")
    p.add_argument("--tables", help="comma-separated tables (default: all)")
    p.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    from .frames import export

    try:
        manifest = export(args.inputs, args.parquet, part_size=args.part_size,
                          tables=args.tables.split(",") if args.tables else None)
    except (OSError, KeyError, ValueError) as exc:
        print(f"warta: {exc.args[0] if isinstance(exc, KeyError) else exc}", file=sys.stderr)
        return EXIT_USAGE
    rows = ", ".join(f"{t} {n:,}" for t, n in manifest["rows"].items())
    print(f"warta: {manifest['documents']:,} documents in {manifest['parts']} part(s) "
          f"written to {args.parquet} ({rows})", file=sys.stderr)
    return EXIT_OK


def _show_parser(sub) -> None:
    p = sub.add_parser("show", help="one document as an HTML page (displaCy)",
                       description="Render one annotated document (entities, quotes, relations, "
                                   "dropped boilerplate) as a self-contained HTML page.")
    p.add_argument("inputs", nargs="+", metavar="OUT.jsonl")
    p.add_argument("--id", required=True, dest="doc_id", help="document id")
    p.add_argument("-o", "--output", required=True, help="HTML file to write")
    p.set_defaults(func=cmd_show)


def cmd_show(args: argparse.Namespace) -> int:
    from .show import write_page

    try:
        write_page(args.inputs, args.doc_id, args.output)
    except (OSError, KeyError) as exc:
        print(f"warta: {exc.args[0] if isinstance(exc, KeyError) else exc}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


def _report_parser(sub) -> None:
    p = sub.add_parser("report", help="summary report (tables and charts) as an HTML page",
                       description="Counts per label, top entities, top relation facts, boilerplate "
                                   "kinds and documents per date, as a self-contained HTML page.")
    p.add_argument("inputs", nargs="+", metavar="OUT.jsonl", help="Warta output or a Parquet export")
    p.add_argument("-o", "--output", required=True, help="HTML file to write")
    p.add_argument("--top", type=int, default=10, help="rows per top-N table (default 10)")
    p.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    from .report import write_report

    try:
        write_report(args.inputs, args.output, top=args.top)
    except (OSError, ValueError) as exc:
        print(f"warta: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


def _one_line(exc: BaseException) -> str:
    """An exception's message on one line (its lines joined with '; ')."""
    lines = [" ".join(ln.split()) for ln in str(exc).splitlines() if ln.strip()]
    return "; ".join(lines).replace(":; ", ": ") or type(exc).__name__


def exit_code_for(exc: BaseException) -> tuple[int, str]:
    """The exit status and one-line message for an exception that ended a command."""
    from .io import OutputWriteError, RunRefused
    from .runner import PipelineError, WorkerDied

    if isinstance(exc, KeyboardInterrupt):
        return EXIT_INTERRUPTED, "interrupted"
    if isinstance(exc, (ConfigError, PipelineError, RunRefused)):
        return EXIT_USAGE, _one_line(exc)
    if isinstance(exc, BrokenPipeError):
        return EXIT_ABORTED, "aborted: the output was closed (broken pipe)"
    if isinstance(exc, OutputWriteError):
        hint = " (disk full)" if exc.errno in (errno.ENOSPC, errno.EDQUOT) else ""
        return EXIT_ABORTED, f"aborted{hint}: {_one_line(exc)}; --resume repairs the output and completes the run"
    if isinstance(exc, MemoryError):
        return EXIT_ABORTED, "aborted: out of memory"
    if isinstance(exc, WorkerDied):
        return EXIT_ABORTED, f"aborted: {_one_line(exc)}"
    if isinstance(exc, OSError):
        return EXIT_ABORTED, f"aborted: {_one_line(exc)}"
    return EXIT_ABORTED, (f"aborted by an internal error: {type(exc).__name__}: {_one_line(exc)} "
                          "(set WARTA_DEBUG=1 for the traceback)")


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run one `warta` command; exceptions become an exit status and a one-line message."""
    import logging

    logging.basicConfig(format="warta: warning: %(message)s", level=logging.WARNING)
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code = args.func(args)
        sys.stdout.flush()
        return code
    except BrokenPipeError:  # `warta ... | head`: the reader left; end quietly, as `cat` would
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except (Exception, KeyboardInterrupt) as exc:
        code, message = exit_code_for(exc)
        if os.environ.get("WARTA_DEBUG"):
            traceback.print_exc()
        print(f"warta: error: {message}", file=sys.stderr)
        return code


if __name__ == "__main__":
    sys.exit(main())

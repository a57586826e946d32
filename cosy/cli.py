"""The ``cosy`` command: extract, submit, jobs, pipeline, corpus, keys, run, serve.

Every command has ``--help``; errors are one clear line on stderr and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cosy.config import Settings, get_settings

if TYPE_CHECKING:
    from cosy.store.base import Store

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class CliError(Exception):
    """A problem the user can fix; printed as one line, no traceback."""


def _err(message: str) -> None:
    print(f"cosy: {message}", file=sys.stderr)


def _pdf_files(paths: Sequence[str]) -> Iterator[Path]:
    """Files as given, and the PDFs inside directories (sorted), so folders can be passed."""
    for p in map(Path, paths):
        if p.is_dir():
            yield from sorted(f for f in p.rglob("*") if f.suffix.lower() == ".pdf")
        elif p.exists():
            yield p
        else:
            raise CliError(f"{p}: no such file or directory")


# --- extract -------------------------------------------------------------------------------------


def cmd_extract(args: argparse.Namespace, settings: Settings) -> int:
    from cosy.engine.executor import make_executor
    from cosy.engine.profiles import load_pipeline
    from cosy.engine.step import StepError
    from cosy.ingest import InputError, inspect_document, limits
    from cosy.jobs import result_document

    files = list(_pdf_files(args.files))
    if not files:
        raise CliError("no PDF files found in the given paths")
    pipeline = load_pipeline(settings.pipeline)
    failed = 0
    with make_executor(settings) as executor:
        for path in files:
            try:
                data = path.read_bytes()
                info = inspect_document(data, path.name, settings.tenant, **limits(settings))
                result = result_document(executor.run(pipeline, data, info))
            except InputError as err:
                failed += 1
                _err(f"{path}: {err.reason}")
                continue
            except StepError as err:
                failed += 1
                _err(f"{path}: failed in step {err.step}: {err.reason}")
                continue
            _warn_skipped(path, result)
            if args.json:
                print(json.dumps(result, ensure_ascii=False), flush=True)
            else:
                _print_result(result)
    return EXIT_FAILED if failed else EXIT_OK


def _warn_skipped(path: Path, result: dict[str, Any], shown: int = 5) -> None:
    """One line on stderr per page that was not read (a partial success), the first few."""
    skipped = result["document"].get("skipped_pages") or []
    for s in skipped[:shown]:
        _err(f"{path}: page {s['page']} skipped ({s['kind']}): {s['reason']}")
    if len(skipped) > shown:
        _err(f"{path}: {len(skipped) - shown} more pages skipped")


def _print_result(result: dict[str, Any]) -> None:
    doc = result["document"]
    print(f"{doc['file']}  ({doc['pages']} page(s), {result['timings']['total_s']:.2f} s)")
    for name, field in result["fields"].items():
        value = field["value"]
        if isinstance(value, dict):
            value = ", ".join(str(v) for v in value.values() if v)
        print(f"  {name:<18} {value}  [{field['confidence']:.2f}]")
    print(f"  {len(result['entities'])} entities, {len(result['triples'])} triples")


# --- submit / jobs -------------------------------------------------------------------------------


def _open_store(settings: Settings) -> Store:
    """The configured store (imported here: `cosy --help` should not load the backends)."""
    from cosy.store import open_store

    return open_store(settings.store)


def cmd_submit(args: argparse.Namespace, settings: Settings) -> int:
    from cosy.ingest import InputError
    from cosy.jobs import submit_document

    store = _open_store(settings)
    failed, job_ids = 0, []
    for path in _pdf_files(args.files):
        try:
            sub = submit_document(store, path.read_bytes(), path.name, settings.tenant, settings)
        except InputError as err:
            failed += 1
            _err(f"{path}: {err.reason}")
            continue
        job_ids.append(sub.job.id)
        state = "queued" if sub.created else f"already known ({sub.job.status})"
        print(f"{sub.job.id}  {sub.document['id']}  {path.name}  {state}")
    if args.wait and job_ids:
        summary = run_jobs(store, settings, job_ids)
        print(_summary_line(summary))
        failed += summary["failed"]
    store.close()
    return EXIT_FAILED if failed else EXIT_OK


def cmd_jobs(args: argparse.Namespace, settings: Settings) -> int:
    store = _open_store(settings)
    try:
        if args.id:
            job = store.get_job(args.id)
            if job is None:
                raise CliError(f"no job {args.id}")
            print(json.dumps(job.to_dict(), indent=2, ensure_ascii=False))
            return EXIT_OK
        jobs = store.list_jobs(status=args.status, limit=args.limit)
        if args.json:
            for job in jobs:
                print(json.dumps(job.to_dict(), ensure_ascii=False))
            return EXIT_OK
        for job in jobs:
            error = f"  {job.error['step']}: {job.error['reason']}" if job.error else ""
            if job.partial:
                n = len(job.skipped_pages)
                error += f"  (partial: {n} page{'s' if n != 1 else ''} skipped)"
            print(f"{job.id}  {job.status:<9}  attempts={job.attempts}  {job.file_name}{error}")
        if not jobs:
            print("no jobs")
        return EXIT_OK
    finally:
        store.close()


def run_jobs(store: Any, settings: Settings, job_ids: list[str],
             progress: bool = True) -> dict[str, Any]:
    """Run queued jobs on a fresh executor until none is left; summarise ``job_ids``."""
    import threading

    from tqdm import tqdm

    from cosy.engine.dispatcher import Dispatcher
    from cosy.engine.executor import make_executor
    from cosy.engine.profiles import load_pipeline

    t0 = time.perf_counter()
    with make_executor(settings) as executor:
        dispatcher = Dispatcher(store, executor, load_pipeline(settings.pipeline), settings)
        thread = threading.Thread(target=dispatcher.drain, daemon=True)
        thread.start()
        with tqdm(total=len(job_ids), unit="doc", desc="documents", disable=not progress,
                  file=sys.stderr) as bar:
            while thread.is_alive():
                thread.join(0.25)
                jobs = [store.get_job(i) for i in job_ids]
                bar.n = sum(1 for j in jobs if j is not None and j.status.final)
                bar.refresh()
    return summarize_jobs(store, job_ids, time.perf_counter() - t0)


def summarize_jobs(store: Any, job_ids: list[str], wall: float) -> dict[str, Any]:
    """Documents, pages, triples and seconds per page of the jobs that succeeded."""
    from cosy.domain import JobStatus

    jobs = [j for j in (store.get_job(i) for i in job_ids) if j is not None]
    ok = [j for j in jobs if j.status == JobStatus.SUCCEEDED]
    pages = triples = 0
    latency = compute = 0.0
    for j in ok:
        doc = store.get_document(j.tenant, j.doc_id) or {}
        pages += doc.get("pages", 0)
        triples += doc.get("triples", 0)
        latency += j.timings.get("total_s", 0.0)
        compute += j.timings.get("compute_s", 0.0)
    return {"documents": len(ok), "failed": len(jobs) - len(ok), "pages": pages,
            "triples": triples, "wall_s": wall,
            "s_per_page": (latency / pages) if pages else 0.0,
            "compute_s_per_page": (compute / pages) if pages else 0.0}


def _summary_line(s: dict[str, Any]) -> str:
    return (f"{s['documents']} documents succeeded, {s['failed']} failed; {s['pages']} pages, "
            f"{s['triples']} triples; {s['s_per_page']:.3f} s per page end to end "
            f"({s['compute_s_per_page']:.3f} s of step compute), {s['wall_s']:.1f} s wall "
            "including cluster start")


# --- pipeline ------------------------------------------------------------------------------------


def cmd_pipeline(args: argparse.Namespace, settings: Settings) -> int:
    from cosy.engine.profiles import load_pipeline

    pipeline = load_pipeline(settings.pipeline)
    if args.action == "describe":
        info = pipeline.describe(args.pages)
        if args.json:
            print(json.dumps(info, indent=2))
            return EXIT_OK
        print(f"pipeline {info['pipeline']} (version {info['version']}): "
              f"{len(info['steps'])} steps, {info['step_instances']} step instances and "
              f"{info['tasks']} Dask tasks for a {args.pages}-page document")
        for s in info["steps"]:
            model = f"  model={s['model']}" if s["model"] else ""
            print(f"  {s['scope']:<8} {s['name']:<32} {', '.join(s['requires'])} -> "
                  f"{', '.join(s['provides'])}{model}")
        print(f"models: {', '.join(info['models']) or 'none'}")
        return EXIT_OK
    from cosy.engine.render import dag_svg

    text = pipeline.to_dot() if args.format == "dot" else dag_svg(pipeline)
    if args.output:
        Path(args.output).write_text(text)
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from cosy.evaluation import run_eval_cli

    if not Path(args.truth).is_file():
        raise CliError(f"{args.truth}: no such truth file")
    return run_eval_cli(args.truth, args.docs, args.json, settings)


# --- corpus, run, serve --------------------------------------------------------------------------


def cmd_corpus(args: argparse.Namespace, settings: Settings) -> int:
    from cosy.corpus import generate_corpus

    records = generate_corpus(Path(args.out), n=args.n, seed=args.seed,
                              scanned_ratio=args.scanned, progress=True)
    print(f"wrote {len(records)} documents and truth.jsonl to {args.out}")
    return EXIT_OK


def ensure_samples(folder: Path, n: int = 12, seed: int = 7) -> list[Path]:
    """The bundled samples: generated documents (deterministic), made once on first run."""
    from cosy.corpus import generate_corpus

    docs = sorted((folder / "docs").glob("*.pdf"))
    if len(docs) < n:
        print(f"generating {n} sample documents into {folder} ...", file=sys.stderr)
        generate_corpus(folder, n=n, seed=seed, progress=True)
        docs = sorted((folder / "docs").glob("*.pdf"))
    return docs


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """`make run`: process the samples on embedded defaults, print a summary, then serve."""
    from cosy.ingest import InputError
    from cosy.jobs import submit_document

    docs = ensure_samples(Path(args.samples), n=args.n)
    store = _open_store(settings)
    job_ids = []
    for path in docs:
        try:
            sub = submit_document(store, path.read_bytes(), path.name, settings.tenant, settings)
            job_ids.append(sub.job.id)
        except InputError as err:
            _err(f"{path}: {err.reason}")
    # samples seen before keep their job, so a second `make run` reports the same totals
    summary = run_jobs(store, settings, job_ids)
    print(_summary_line(summary), flush=True)
    store.close()
    if args.no_serve:
        return EXIT_OK if summary["failed"] == 0 else EXIT_FAILED
    return cmd_serve(args, settings)


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from cosy.service import serve

    serve(settings, host=args.host or settings.http_host, port=args.port or settings.http_port)
    return EXIT_OK


# --- keys ----------------------------------------------------------------------------------------


def cmd_keys(args: argparse.Namespace, settings: Settings) -> int:
    """API keys: create (the secret is printed once, on stdout alone), list, revoke."""
    from cosy.api.keys import create_api_key, public_key_record

    store = _open_store(settings)
    try:
        if args.action == "create":
            raw, record = create_api_key(store, args.tenant, args.role, name=args.name)
            print(raw, flush=True)
            print(f"created key {record['id']} for tenant {record['tenant']} with role "
                  f"{record['role']}; it is shown only now", file=sys.stderr)
            return EXIT_OK
        if args.action == "revoke":
            if not store.revoke_api_key(args.id, time.time()):
                raise CliError(f"no active key {args.id}")
            print(f"revoked {args.id}")
            return EXIT_OK
        keys = [public_key_record(k) for k in store.list_api_keys(args.tenant)]
        if args.json:
            for k in keys:
                print(json.dumps(k, ensure_ascii=False))
        for k in [] if args.json else keys:
            state = "revoked" if k.get("revoked_at") else "active"
            print(f"{k['id']}  {k['tenant']:<16} {k['role']:<7} {state:<8} {k.get('prefix', '')}…"
                  f"  {k.get('name', '')}")
        if not keys and not args.json:
            print("no keys")
        return EXIT_OK
    finally:
        store.close()


# --- parser --------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cosy", description="COSY, the Cognitive Secretary: business documents in, "
        "knowledge graph out. Settings come from COSY_* environment variables (see README).")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("extract", help="run the pipeline on files and print the results")
    p.add_argument("files", nargs="+", metavar="FILE", help="PDF files or folders of PDFs")
    p.add_argument("--json", action="store_true", help="one JSON object per line per file")
    p.set_defaults(fn=cmd_extract)

    p = sub.add_parser("submit", help="store files and queue a durable job for each")
    p.add_argument("files", nargs="+", metavar="FILE", help="PDF files or folders of PDFs")
    p.add_argument("--wait", action="store_true", help="run the queued jobs here until done")
    p.set_defaults(fn=cmd_submit)

    p = sub.add_parser("jobs", help="list jobs, or show one")
    p.add_argument("id", nargs="?", help="a job id")
    p.add_argument("--status", choices=["queued", "running", "succeeded", "failed"])
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--json", action="store_true")
    p.set_defaults(fn=cmd_jobs)

    p = sub.add_parser("pipeline", help="describe the pipeline or draw its DAG")
    psub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    d = psub.add_parser("describe", help="steps, artifacts, models, step instances")
    d.add_argument("--pages", type=int, default=1, help="pages of the document to count for")
    d.add_argument("--json", action="store_true")
    g = psub.add_parser("graph", help="the DAG as Graphviz DOT or SVG")
    g.add_argument("--format", choices=["dot", "svg"], default="dot")
    g.add_argument("-o", "--output", help="write to this file instead of stdout")
    p.set_defaults(fn=cmd_pipeline)

    p = sub.add_parser("eval", help="score extraction against a truth file (truth.jsonl)")
    p.add_argument("--truth", required=True, metavar="FILE", help="truth.jsonl")
    p.add_argument("--docs", metavar="DIR", help="where the PDFs are (default: beside FILE)")
    p.add_argument("--json", action="store_true", help="the report as JSON")
    p.set_defaults(fn=cmd_eval)

    p = sub.add_parser("corpus", help="generate business documents with ground truth")
    csub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    g = csub.add_parser("generate", help="write DIR/docs/*.pdf and DIR/truth.jsonl")
    g.add_argument("--n", type=int, default=100)
    g.add_argument("--seed", type=int, default=1)
    g.add_argument("--out", required=True, metavar="DIR")
    g.add_argument("--scanned", type=float, default=0.0, help="share of scanned documents (0..1)")
    p.set_defaults(fn=cmd_corpus)

    p = sub.add_parser("keys", help="create, list and revoke API keys")
    ksub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    k = ksub.add_parser("create", help="make a key and print it once")
    k.add_argument("--tenant", required=True)
    k.add_argument("--role", choices=["reader", "writer", "admin"], default="reader")
    k.add_argument("--name", default="", help="a note: who or what uses the key")
    k = ksub.add_parser("list", help="keys (never their secrets)")
    k.add_argument("--tenant", default=None, help="only this tenant's keys")
    k.add_argument("--json", action="store_true")
    k = ksub.add_parser("revoke", help="revoke a key by its id")
    k.add_argument("id", help="a key id (key_…)")
    p.set_defaults(fn=cmd_keys)

    for name, fn, helptext in (("run", cmd_run, "process the samples, print a summary, serve"),
                               ("serve", cmd_serve, "run the dispatcher and the HTTP service")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("--host", default=None)
        p.add_argument("--port", type=int, default=None)
        if name == "run":
            p.add_argument("--samples", default="samples", help="folder of sample documents")
            p.add_argument("--n", type=int, default=12, help="number of samples to generate")
            p.add_argument("--no-serve", action="store_true", help="stop after the summary")
        p.set_defaults(fn=fn)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = get_settings()
        return args.fn(args, settings)
    except CliError as err:
        _err(str(err))
        return EXIT_FAILED
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except Exception as err:  # a clear line instead of a traceback; -v shows the traceback
        if args.verbose:
            raise
        _err(f"{type(err).__name__}: {err}")
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())

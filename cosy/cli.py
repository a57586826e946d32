"""The ``cosy`` command: extract, submit, jobs, pipeline, corpus, keys, corrections, batch,
export, run, serve, and the separate services api, dispatcher (with models verify for their
image).

Every command has ``--help``; errors are one clear line on stderr and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cosy.config import Settings, get_settings
from cosy.store import StoreError, shown

if TYPE_CHECKING:
    from cosy.ingest import DocumentInfo
    from cosy.store.base import Store

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for `yes | head`


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


def _inspect(path: Path, settings: Settings) -> tuple[bytes, DocumentInfo]:
    """The file's bytes and what ingest says of them; InputError or OSError if unusable."""
    from cosy.ingest import inspect_document, limits

    data = path.read_bytes()
    return data, inspect_document(data, path.name, settings.tenant, **limits(settings))


def cmd_extract(args: argparse.Namespace, settings: Settings) -> int:
    """Check every file first (a refusal costs milliseconds, no pipeline is loaded for it), then
    run the accepted ones in-process or on Dask, by their pages (``make_executor``)."""
    from cosy.ingest import InputError

    files = list(_pdf_files(args.files))
    if not files:
        raise CliError("no PDF files found in the given paths")
    accepted: list[tuple[Path, int]] = []
    failed = 0
    for path in files:
        try:
            accepted.append((path, _inspect(path, settings)[1].pages))
        except InputError as err:
            failed += 1
            _err(f"{path}: {err.reason}")
        except OSError as err:
            failed += 1
            _err(f"{path}: {err.strerror or err}")
    if accepted:
        failed += _extract(accepted, args.json, settings)
    return EXIT_FAILED if failed else EXIT_OK


def _extract(files: list[tuple[Path, int]], as_json: bool, settings: Settings) -> int:
    """Run the pipeline on checked files, printing each result as it comes; the failures."""
    from cosy.engine.executor import make_executor
    from cosy.engine.profiles import load_pipeline
    from cosy.engine.step import StepError
    from cosy.ingest import InputError
    from cosy.jobs import result_document
    from cosy.progress import Progress, TrackedExecutor

    pages = sum(n for _, n in files)
    pipeline = load_pipeline(settings.pipeline)
    failed = 0
    with Progress(pages, "extract") as progress, \
            TrackedExecutor(make_executor(settings, pages), progress) as executor:
        for path, _ in files:
            try:
                data, info = _inspect(path, settings)  # again: the file may have changed
                result = result_document(executor.run(pipeline, data, info))
            except (InputError, StepError, OSError) as err:
                failed += 1
                where = f"failed in step {err.step}: " if isinstance(err, StepError) else ""
                reason = getattr(err, "reason", None) or getattr(err, "strerror", None) or err
                progress.write(f"cosy: {path}: {where}{reason}", file=sys.stderr)
                continue
            for line in skipped_lines(path, result):
                progress.write(line, file=sys.stderr)
            progress.write(json.dumps(result, ensure_ascii=False) if as_json
                           else format_result(result))
    return failed


def skipped_lines(path: Path, result: dict[str, Any], shown: int = 5) -> list[str]:
    """One line per page that was not read (a partial success), the first few."""
    skipped = result["document"].get("skipped_pages") or []
    out = [f"cosy: {path}: page {s['page']} skipped ({s['kind']}): {s['reason']}"
           for s in skipped[:shown]]
    if len(skipped) > shown:
        out.append(f"cosy: {path}: {len(skipped) - shown} more pages skipped")
    return out


def format_result(result: dict[str, Any]) -> str:
    """The plain view of a result: what the document is, then each field with its confidence
    and, where the extraction doubts it, ``needs review``."""
    doc = result["document"]
    lines = [f"{doc['file']}  ({doc['pages']} page(s), {result['timings']['total_s']:.2f} s)",
             f"  {'type':<18} {doc.get('doc_type') or 'unknown'}",
             f"  {'language':<18} {doc.get('language') or 'unknown'}"]
    for name, field in result["fields"].items():
        value = field["value"]
        if isinstance(value, dict):
            value = ", ".join(str(v) for v in value.values() if v)
        review = "  needs review" if field.get("needs_review") else ""
        lines.append(f"  {name:<18} {value}  [{field['confidence']:.2f}]{review}")
    lines.append(f"  {len(result['entities'])} entities, {len(result['triples'])} triples")
    return "\n".join(lines)


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
        print(f"{sub.job.id}  {sub.document['id']}  {path.name}  {state}", flush=True)
    print(f"cosy: store {shown(settings.store)}", file=sys.stderr)
    if args.wait and job_ids:
        summary = run_jobs(store, settings, job_ids)
        print(_summary_line(summary))
        failed += summary["failed"]
    store.close()
    return EXIT_FAILED if failed else EXIT_OK


JOB_COLUMNS = "{id:<32}  {status:<9}  {created:<19}  {seconds:>8}  {attempts:>8}  {file}"


def cmd_jobs(args: argparse.Namespace, settings: Settings) -> int:
    """One job as the API shows it, or a table of recent jobs (newest first)."""
    store = _open_store(settings)
    try:
        if args.id:
            job = store.get_job(args.id)
            if job is None:
                raise CliError(f"no job {args.id} in store {shown(settings.store)}")
            print(json.dumps(job.view(), indent=2, ensure_ascii=False))
            return EXIT_OK
        jobs = store.list_jobs(status=args.status, limit=args.limit)
        if args.json:
            for job in jobs:
                print(json.dumps(job.view(), ensure_ascii=False))
            return EXIT_OK
        if not jobs:
            print(f"no jobs in store {shown(settings.store)}")
            return EXIT_OK
        print(JOB_COLUMNS.format(id="JOB", status="STATUS", created="CREATED",
                                 seconds="SECONDS", attempts="ATTEMPTS", file="FILE"))
        for job in jobs:
            total = job.timings.get("total_s")
            line = JOB_COLUMNS.format(
                id=job.id, status=str(job.status), created=_local_time(job.created_at),
                seconds="" if total is None else f"{total:.2f}",
                attempts=f"{job.attempts}/{job.max_attempts}", file=job.file_name)
            if job.error:
                line += f"  ({job.error['step']}: {job.error['reason']})"
            if job.partial:
                n = len(job.skipped_pages)
                line += f"  (partial: {n} page{'s' if n != 1 else ''} skipped)"
            print(line)
        return EXIT_OK
    finally:
        store.close()


def _local_time(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts)) if ts else ""


def run_jobs(store: Any, settings: Settings, job_ids: list[str], progress: bool = True,
             on_finished: Any = None) -> dict[str, Any]:
    """Run queued jobs until none is left, in-process or on Dask by their pages; show their
    progress (pages, each job's stage, as the store has it) and summarise ``job_ids``."""
    import threading

    from cosy.engine.dispatcher import Dispatcher
    from cosy.engine.executor import make_executor
    from cosy.engine.profiles import load_pipeline
    from cosy.progress import Progress

    t0 = time.perf_counter()
    pages = {}
    for job_id in job_ids:
        job = store.get_job(job_id)
        doc = store.get_document(job.tenant, job.doc_id) if job else None
        pages[job_id] = max(int((doc or {}).get("pages") or 1), 1)
    total = sum(pages.values())
    with make_executor(settings, total) as executor, \
            Progress(total, "jobs", live=None if progress else False) as bar:
        dispatcher = Dispatcher(store, executor, load_pipeline(settings.pipeline), settings,
                                on_finished=on_finished)
        thread: threading.Thread | None = None
        ended: set[str] = set()
        while True:
            _show_jobs(store, job_ids, pages, ended, bar)
            if thread is None or not thread.is_alive():
                if len(ended) == len(job_ids):
                    break
                # another dispatcher (a `cosy serve` on the same store) may hold some of our
                # jobs: wait for them, and take over any whose lease runs out
                thread = threading.Thread(target=dispatcher.drain, daemon=True)
                thread.start()
            thread.join(0.25)
    return summarize_jobs(store, job_ids, time.perf_counter() - t0)


def _show_jobs(store: Any, job_ids: list[str], pages: dict[str, int], ended: set[str],
               bar: Any) -> None:
    """Move the bar to the jobs' progress; a line for each job that ended since last time."""
    running, current = 0.0, ""
    for job_id in job_ids:
        if job_id in ended:
            continue
        job = store.get_job(job_id)
        if job is None:  # deleted meanwhile: nothing to wait for
            ended.add(job_id)
            continue
        view = job.view()
        if job.status.final:
            ended.add(job_id)
            outcome = (f"succeeded in {job.timings.get('total_s', 0):.2f} s" if job.timings
                       else str(job.status))
            if job.error:
                outcome = f"failed in {job.error['step']}: {job.error['reason']}"
            bar.finish(job.file_name, pages[job_id], outcome)
            continue
        p = view["progress"]
        if p["steps_total"]:
            running += pages[job_id] * min(p["steps_done"] / p["steps_total"], 1.0)
            current = f"{job.file_name} {p['stage']}"
    bar.update(bar.done + running, current)


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
            "including start-up")


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
    from cosy.engine.dag import PipelineError
    from cosy.engine.render import dag_dot, dag_svg

    try:
        text = (dag_dot if args.format == "dot" else dag_svg)(pipeline, args.family)
    except PipelineError as err:
        raise CliError(str(err)) from None
    if args.output:
        Path(args.output).write_text(text)
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    if args.dev_sets:
        from cosy.evaluation_sets import run_dev_sets_cli

        only = [s.strip() for s in args.only.split(",")] if args.only else None
        try:
            return run_dev_sets_cli(settings, only, args.write, args.json)
        except ValueError as err:
            raise CliError(str(err)) from err
    from cosy.evaluation import run_eval_cli

    if not args.truth:
        raise CliError("eval needs --truth FILE, or --dev-sets for every development set")
    if not Path(args.truth).is_file():
        raise CliError(f"{args.truth}: no such truth file")
    return run_eval_cli(args.truth, args.docs, args.json, settings)


# --- corpus, run, serve --------------------------------------------------------------------------


def cmd_corpus(args: argparse.Namespace, settings: Settings) -> int:
    from cosy.corpus import generate_corpus

    families = [f.strip() for f in args.families.split(",") if f.strip()] if args.families \
        else None  # fmt: skip
    if not 0.0 <= args.scanned <= 1.0:
        raise CliError(f"--scanned {args.scanned} is not a share between 0 and 1")
    if args.n < 0:
        raise CliError(f"--n {args.n} is negative")
    try:
        records = generate_corpus(Path(args.out), n=args.n, seed=args.seed,
                                  scanned_ratio=args.scanned, progress=True, families=families)
    except ValueError as err:
        raise CliError(str(err)) from None
    print(f"wrote {len(records)} documents and truth.jsonl to {args.out}")
    return EXIT_OK


def ensure_samples(folder: Path, n: int = 12, seed: int = 7) -> list[Path]:
    """The bundled samples: generated documents (deterministic), made once on first run. The
    classic family, whose mix shows most document types in the first few (an invoice, an order,
    a credit note, a reminder, ...); the README's and docs/api.md's examples name them."""
    from cosy.corpus import generate_corpus

    docs = sorted((folder / "docs").glob("*.pdf"))
    if len(docs) < n:
        print(f"generating {n} sample documents into {folder} ...", file=sys.stderr)
        generate_corpus(folder, n=n, seed=seed, progress=sys.stderr.isatty(),
                        families=["classic"])
        docs = sorted((folder / "docs").glob("*.pdf"))
    return docs


def check_port(host: str, port: int) -> None:
    """Refuse at once when ``host:port`` cannot be served (taken, or not this machine's), before
    any document is processed or a cluster started."""
    import socket

    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, port))
    except OSError as err:
        raise CliError(f"cannot serve on {host}:{port}: {err.strerror or err} (is another "
                       "`cosy serve` running? choose another with --port or COSY_HTTP_PORT)"
                       ) from None


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """`make run`: process the samples on embedded defaults, print a summary, then serve.

    The samples' jobs count in the server's /metrics (one Metrics for both), and the port is
    checked before anything runs."""
    from cosy.api.metrics import Metrics
    from cosy.ingest import InputError
    from cosy.jobs import submit_document

    host, port = args.host or settings.http_host, args.port or settings.http_port
    if not args.no_serve:
        check_port(host, port)
    docs = ensure_samples(Path(args.samples), n=args.n)
    store = _open_store(settings)
    print(f"cosy: store {shown(settings.store)}", file=sys.stderr)
    job_ids = []
    for path in docs:
        try:
            sub = submit_document(store, path.read_bytes(), path.name, settings.tenant, settings)
            job_ids.append(sub.job.id)
        except InputError as err:
            _err(f"{path}: {err.reason}")
    # samples seen before keep their job, so a second `make run` reports the same totals
    metrics = Metrics()
    summary = run_jobs(store, settings, job_ids, on_finished=metrics.job_hook(store))
    print(_summary_line(summary), flush=True)
    store.close()
    if args.no_serve:
        return EXIT_OK if summary["failed"] == 0 else EXIT_FAILED
    return _serve(settings, host, port, metrics)


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    host, port = args.host or settings.http_host, args.port or settings.http_port
    check_port(host, port)
    return _serve(settings, host, port)


def _serve(settings: Settings, host: str, port: int, metrics: Any = None) -> int:
    from cosy.service import serve

    serve(settings, host=host, port=port, metrics=metrics)
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


# --- corrections ---------------------------------------------------------------------------------


def cmd_corrections(args: argparse.Namespace, settings: Settings) -> int:
    """Reviewers' corrections as training examples (JSON lines) for the model recipes."""
    from cosy.review import export_corrections

    tenant = args.tenant or settings.tenant
    store = _open_store(settings)
    try:
        if args.output in (None, "-"):
            n = export_corrections(store, tenant, sys.stdout)
        else:
            with open(args.output, "w", encoding="utf-8") as out:
                n = export_corrections(store, tenant, out)
        print(f"exported {n} corrections of tenant {tenant}"
              + (f" to {args.output}" if args.output not in (None, "-") else ""), file=sys.stderr)
        return EXIT_OK
    finally:
        store.close()


# --- batch, export (SAP migration) ---------------------------------------------------------------

EXIT_INTERRUPTED = 130


def _interrupt(signum: int, frame: Any) -> None:
    """SIGTERM (Kubernetes stopping a pod) ends a batch as Ctrl-C does: jobs go back to the
    queue."""
    raise KeyboardInterrupt


def cmd_batch(args: argparse.Namespace, settings: Settings) -> int:
    """Sources through durable jobs, resumable; report in OUT. Exit 0 when every entry
    succeeded, 1 when some failed or were refused (the report says which), 130 interrupted."""
    import signal

    from cosy.batch import report
    from cosy.batch.progress import make_display
    from cosy.batch.runner import BatchRunner

    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise CliError(f"{out}: cannot write the report there ({err.strerror})") from None
    display = make_display("jsonl" if args.jsonl else "quiet" if args.quiet else "bar")
    runner = BatchRunner(_open_store(settings), settings, args.tenant or settings.tenant, display)
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        outcome = runner.run(args.sources)
        rep = report.build(runner.store, outcome, settings)
        report.write(rep, out)
        display.close(outcome.counts, report.summary(rep, out))
    except KeyboardInterrupt:
        display.close(runner.outcome.counts, "cosy: interrupted; nothing is lost: run the "
                      "same command again to continue")
        return EXIT_INTERRUPTED
    finally:
        signal.signal(signal.SIGTERM, previous)
        runner.store.close()
    bad = rep["documents_by_status"].get("failed", 0) + rep["entries_by_status"].get("refused", 0)
    return EXIT_FAILED if bad else EXIT_OK


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    """`cosy export sap`: the tenant's graph as S/4HANA Migration Cockpit data in OUT."""
    from cosy.batch.sap.export import ExportError, run_export

    store = _open_store(settings)
    try:
        return run_export(store, args.tenant or settings.tenant, Path(args.out),
                          [Path(t) for t in args.template or []],
                          Path(args.mapping) if args.mapping else None)
    except ExportError as err:
        raise CliError(str(err)) from None
    finally:
        store.close()


def add_batch_commands(sub: Any) -> None:
    """The `batch` and `export` subcommands (SAP migration, docs/sap.md)."""
    p = sub.add_parser("batch", help="process folders, globs, ZIP archives and mailboxes as "
                       "durable jobs (resumable) and write a report")
    p.add_argument("sources", nargs="+", metavar="SRC",
                   help="PDF files, folders (recursive), glob patterns, .zip, .eml, .mbox")
    p.add_argument("--tenant", default=None, help="tenant of the documents (default COSY_TENANT)")
    p.add_argument("--out", required=True, metavar="DIR", help="where report.json and "
                   "report.html go")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--quiet", action="store_true", help="only refusals, failures, summary")
    mode.add_argument("--jsonl", action="store_true", help="one JSON object per event on stdout")
    p.set_defaults(fn=cmd_batch)

    p = sub.add_parser("export", help="export the tenant's graph for a migration")
    esub = p.add_subparsers(dest="target", required=True, metavar="TARGET")
    e = esub.add_parser("sap", help="business partners and open items for the SAP S/4HANA "
                        "Migration Cockpit (docs/sap.md)")
    e.add_argument("--tenant", default=None, help="tenant to export (default COSY_TENANT)")
    e.add_argument("--out", required=True, metavar="DIR", help="where the files go")
    e.add_argument("--template", action="append", metavar="FILE.xml",
                   help="a Migration Cockpit template (SpreadsheetML 2003) to fill; repeatable")
    e.add_argument("--mapping", metavar="mapping.toml",
                   help="company code, own company, grouping, number ranges, payment terms, "
                        "tax codes, reconciliation accounts")
    p.set_defaults(fn=cmd_export)
# --- separate services and their image (issue 15; docs/deploy.md) -------------------------------


def cmd_api(args: argparse.Namespace, settings: Settings) -> int:
    """The HTTP API alone; the dispatchers run as `cosy dispatcher` elsewhere."""
    from cosy.service import serve_api

    host, port = args.host or settings.http_host, args.port or settings.http_port
    check_port(host, port)
    serve_api(settings, host, port)
    return EXIT_OK


def cmd_dispatcher(args: argparse.Namespace, settings: Settings) -> int:
    """Claim and run jobs on Dask; probes and /metrics on the dispatcher's port."""
    from cosy.service import serve_dispatcher

    host, port = args.host or settings.http_host, args.port or settings.dispatcher_http_port
    check_port(host, port)
    serve_dispatcher(settings, host, port)
    return EXIT_OK


def cmd_models(args: argparse.Namespace, settings: Settings) -> int:
    """`cosy models verify`: every registered model file against its pinned sha256 (the image's
    entrypoint runs it before a worker starts, so a tampered or stale model never runs)."""
    from cosy.inference.registry import ModelError, read_registry, verify

    try:
        specs = read_registry(settings.models_dir)
        for spec in specs.values():
            verify(spec)
    except ModelError as err:
        raise CliError(str(err)) from None
    print(f"cosy: {len(specs)} models match their sha256 in "
          f"{settings.models_dir / 'registry.json'}: {', '.join(sorted(specs))}")
    return EXIT_OK


def add_service_commands(sub: Any) -> None:
    """`api`, `dispatcher` and `models verify`: COSY as separate services (docs/deploy.md)."""
    p = sub.add_parser("api", help="serve the HTTP API alone (any number of replicas)")
    p.add_argument("--host", default=None, help="default COSY_HTTP_HOST")
    p.add_argument("--port", type=int, default=None, help="default COSY_HTTP_PORT")
    p.set_defaults(fn=cmd_api)
    p = sub.add_parser("dispatcher", help="claim queued jobs and run them on Dask (replicas "
                       "are safe together); probes and /metrics on its own port")
    p.add_argument("--host", default=None, help="default COSY_HTTP_HOST")
    p.add_argument("--port", type=int, default=None, help="default COSY_DISPATCHER_HTTP_PORT")
    p.set_defaults(fn=cmd_dispatcher)
    p = sub.add_parser("models", help="check the model files")
    msub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    msub.add_parser("verify", help="every registered model file against its pinned sha256")
    p.set_defaults(fn=cmd_models)


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
    g = psub.add_parser("graph", help="the DAG, one box per step family, as SVG (A4) or DOT")
    g.add_argument("--format", choices=["dot", "svg"], default="dot")
    g.add_argument("--family", metavar="NAME", help="open one family (e.g. fields, or "
                   "fields.date): its groups or steps, and what feeds it")
    g.add_argument("-o", "--output", help="write to this file instead of stdout")
    p.set_defaults(fn=cmd_pipeline)

    p = sub.add_parser("eval", help="score extraction against a truth file (truth.jsonl)")
    p.add_argument("--truth", metavar="FILE", help="truth.jsonl")
    p.add_argument("--docs", metavar="DIR", help="where the PDFs are (default: beside FILE)")
    p.add_argument("--json", action="store_true", help="the report as JSON")
    p.add_argument("--dev-sets", action="store_true",
                   help="score every development set (real, real scanned, wild from "
                        "../shared/corpus, and a generated held-out set), each apart")
    p.add_argument("--only", metavar="NAMES",
                   help="with --dev-sets: a comma-separated subset (real, real scanned, wild, "
                        "generated)")
    p.add_argument("--write", metavar="FILE.md",
                   help="with --dev-sets: write the tables into this Markdown file")
    p.set_defaults(fn=cmd_eval)

    p = sub.add_parser("corpus", help="generate business documents with ground truth")
    csub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    g = csub.add_parser("generate", help="write DIR/docs/*.pdf and DIR/truth.jsonl")
    g.add_argument("--n", type=int, default=100)
    g.add_argument("--seed", type=int, default=1)
    g.add_argument("--out", required=True, metavar="DIR")
    g.add_argument("--scanned", type=float, default=0.0, help="share of scanned documents (0..1)")
    g.add_argument("--families", metavar="LIST",
                   help="comma-separated document families (default: the whole mix; 'classic' "
                        "reproduces the generator's earlier documents); see docs/generator.md")
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

    p = sub.add_parser("corrections", help="reviewers' corrections (the /app review page)")
    rsub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    e = rsub.add_parser("export", help="write them as training examples, one JSON per line")
    e.add_argument("--tenant", default=None, help="whose corrections (default: COSY_TENANT)")
    e.add_argument("-o", "--output", default=None, metavar="FILE.jsonl",
                   help="write here instead of stdout")
    p.set_defaults(fn=cmd_corrections)

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
    add_batch_commands(sub)
    add_service_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = get_settings()
        return args.fn(args, settings)
    except BrokenPipeError:
        # the reader left (`cosy jobs | head`): stop quietly, as Unix tools do on SIGPIPE
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except CliError as err:
        _err(str(err))
        return EXIT_FAILED
    except StoreError as err:  # unreachable, refused, full: say which store
        _err(f"store {shown(get_settings().store)}: {err}")
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

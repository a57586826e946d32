"""The Dask executor and the in-process executor run the same plan to the same result."""

from __future__ import annotations

import pytest

from cosy.config import Settings
from cosy.engine.dag import Pipeline
from cosy.engine.executor import DaskExecutor, SyncExecutor, plan
from cosy.engine.profiles import load_pipeline
from cosy.engine.step import StepError, make_step
from cosy.ingest import inspect_document
from tests.conftest import make_pdf

PAGES = [["Rechnungsnummer: A-1", "Datum: 02.01.2025"], ["Zwischensumme 10,00"],
         ["Gesamtbetrag 11,90 EUR", "IBAN DE89370400440532013000"]]


@pytest.fixture(scope="module")
def dask_executor():
    ex = DaskExecutor(Settings(dask_workers=2))
    yield ex
    ex.close()


def doc(pages=PAGES):
    data = make_pdf(pages)
    return data, inspect_document(data, "x.pdf", "t", max_bytes=10**7, max_pages=50)


def test_plan_expands_page_groups_per_page():
    pipeline = load_pipeline()
    tasks = plan(pipeline, 3)
    expected = [g.key if g.scope == "document" else f"{g.key}-p{n}"
                for g in pipeline.groups for n in ((1, 2, 3) if g.scope == "page" else (0,))]
    assert [t.key for t in tasks] == expected
    assert len(tasks) == pipeline.task_count(3)
    per_page = {tuple(f"{g.key}-p{n}" for n in (1, 2, 3))
                for g in pipeline.groups if g.scope == "page"}
    doc_task = tasks[-1]
    assert doc_task.group.scope == "document"
    page_inputs = [a for a in doc_task.deps if a in doc_task.multi]
    # a document step reads a page artifact from all three tasks of the page group making it
    assert page_inputs and all(doc_task.deps[a] in per_page for a in page_inputs)


def test_dask_and_sync_give_the_same_result(dask_executor):
    data, info = doc()
    pipeline = load_pipeline()
    progress = []
    via_dask = dask_executor.run(pipeline, data, info, progress.append)
    in_process = SyncExecutor(Settings()).run(pipeline, data, info)
    assert via_dask.outputs["doc.result"] == in_process.outputs["doc.result"]
    assert via_dask.outputs["doc.result"]["fields"]["total_gross"]["value"] == "11.90"
    assert progress[-1]["steps_done"] == progress[-1]["steps_total"] == \
        pipeline.step_instances(3)
    t = via_dask.timings
    assert t["tasks"] == pipeline.task_count(3) and len(t["pages"]) == 3 and set(t["steps"]) == \
        {s.name for s in pipeline.steps}


def test_one_page_document_runs_as_one_task_with_the_same_result(dask_executor):
    data, info = doc(PAGES[:1])
    progress = []
    via_dask = dask_executor.run(load_pipeline(), data, info, progress.append)
    in_process = SyncExecutor(Settings()).run(load_pipeline(), data, info)
    assert via_dask.outputs["doc.result"] == in_process.outputs["doc.result"]
    assert progress[-1]["steps_done"] == progress[-1]["steps_total"]
    assert via_dask.outputs["doc.result"]["fields"]["invoice_number"]["value"] == "A-1"


def test_one_page_document_reports_its_groups_while_it_runs(dask_executor, tmp_path):
    """The one task's groups send Dask events, so progress arrives before the result does
    (the demo page shows the stages of a one-page upload live)."""
    import time

    from cosy.corpus import generate_corpus

    generate_corpus(tmp_path, n=1, seed=3)  # a full invoice page: its later groups take time
    [pdf] = (tmp_path / "docs").glob("*.pdf")
    data = pdf.read_bytes()
    info = inspect_document(data, pdf.name, "t", max_bytes=10**7, max_pages=50)
    pipeline = load_pipeline()
    seen: list[tuple[float, dict]] = []
    dask_executor.run(pipeline, data, info)  # warm: models loaded on the worker
    run = dask_executor.run(pipeline, data, info, lambda p: seen.append((time.monotonic(), p)))
    ended = time.monotonic()
    assert len(seen) == len(pipeline.groups)
    assert [p["steps_done"] for _, p in seen] == sorted(p["steps_done"] for _, p in seen)
    first_at, first = seen[0]
    assert first["steps_done"] < first["steps_total"]
    # the first group's report came while the later groups still ran (reports made after the
    # result would all come within a millisecond of its end)
    assert ended - first_at > 0.05, (ended - first_at, run.timings["total_s"])


def always_fails(doc_fields):
    raise StepError("cannot reconcile totals")


def test_step_failure_on_a_worker_names_the_step(dask_executor):
    bad = make_step(always_fails, name="check.totals", scope="document", requires=["doc.fields"],
                    provides=["doc.check"], sink=True)
    for pages in (PAGES, PAGES[:1]):  # several tasks, and the one-task path
        data, info = doc(pages)
        with pytest.raises(StepError) as err:
            dask_executor.run(Pipeline([*load_pipeline().steps, bad]), data, info)
        assert err.value.step == "check.totals" and err.value.permanent
        assert err.value.reason == "cannot reconcile totals"


def test_workers_loaded_resources_once_through_the_plugin(dask_executor):
    def loaded():
        from cosy.inference import resources

        return resources._resources is not None and sorted(resources._resources._nlp)

    assert set(map(tuple, dask_executor.client.run(loaded).values())) == {("de", "en", "fr")}
    assert dask_executor.ping()


def test_workers_run_without_the_sampling_profiler(dask_executor):
    """Dask's profiler tree grew every worker with each document (the benchmarks' memory
    growth): the workers COSY starts have it off, and they keep no profile nodes."""
    def profiling(dask_worker):
        import dask

        return (dask.config.get("distributed.worker.profile.enabled"),
                dask_worker.profile_recent["count"])

    assert set(dask_executor.client.run(profiling).values()) == {(False, 0)}


def test_existing_scheduler_is_used_when_configured():
    """COSY_DASK_SCHEDULER=tcp://... connects to a running cluster instead of starting one."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                      dashboard_address=":0") as cluster:
        ex = DaskExecutor(Settings(dask_scheduler=cluster.scheduler_address))
        try:
            assert ex._cluster is None and ex.client.scheduler.address == \
                cluster.scheduler_address
            data, info = doc()
            result = ex.run(load_pipeline(), data, info)
            assert result.outputs["doc.result"]["fields"]["invoice_number"]["value"] == "A-1"
        finally:
            ex.close()


def test_one_task_run_sends_back_only_what_is_kept():
    from cosy.engine.executor import plan, run_tasks

    data, info = doc()
    pipeline = load_pipeline()
    tasks = plan(pipeline, 1)
    keep = frozenset(pipeline.outputs)
    sources = {"pdf_bytes": data, "doc_info": info, "field_specs": pipeline.fields}
    full = run_tasks(tasks, sources, info, Settings())
    kept = run_tasks(tasks, sources, info, Settings(), None, keep)
    assert {a for exports, _ in kept.values() for a in exports} == keep
    assert {a for exports, _ in full.values() for a in exports} > keep  # lines, tokens, ...
    assert [set(t) for _, t in kept.values()] == [set(t) for _, t in full.values()]


def test_one_page_document_same_result_and_progress_by_stage(dask_executor):
    """A one-page document runs as one Dask task; its groups still report progress (as Dask
    events from the worker), and the CLI's in-process run gives the same result."""
    data, info = doc(PAGES[:1])
    pipeline = load_pipeline()
    progress = []
    via_dask = dask_executor.run(pipeline, data, info, progress.append)
    in_process = SyncExecutor(Settings()).run(pipeline, data, info)
    assert via_dask.outputs["doc.result"] == in_process.outputs["doc.result"]
    done = [p["steps_done"] for p in progress]
    assert len(done) == len(plan(pipeline, 1)) and done == sorted(set(done))
    assert done[-1] == pipeline.step_instances(1) and all(p["stage"] for p in progress)


def test_auto_runs_small_work_in_process_and_serves_on_a_cluster():
    from cosy.engine.executor import runs_in_process

    auto = Settings(dask_scheduler="auto", dask_min_pages=10)
    assert runs_in_process(auto, 1) and runs_in_process(auto, 9)
    assert not runs_in_process(auto, 10) and not runs_in_process(auto, None)  # None: a service
    assert runs_in_process(Settings(dask_scheduler="sync"), None)
    assert not runs_in_process(Settings(dask_scheduler="local"), 1)
    assert not runs_in_process(Settings(dask_scheduler="tcp://127.0.0.1:8786"), 1)


def test_a_page_over_the_budget_is_reported_with_its_slowest_steps(dask_executor, caplog):
    """Each page's steps are summed; a page past ``page_budget_s`` is named in the timings
    and in a warning with the steps that took its time; under the budget, none is."""
    pipeline = load_pipeline()
    data, info = doc()
    fine = SyncExecutor(Settings()).run(pipeline, data, info)
    assert fine.timings["over_budget"] == []
    kept = dask_executor.settings
    dask_executor.settings = kept.model_copy(update={"page_budget_s": 1e-6})
    try:
        for executor in (SyncExecutor(Settings(page_budget_s=1e-6)), dask_executor):
            with caplog.at_level("WARNING", logger="cosy.engine.executor"):
                run = executor.run(pipeline, data, info)
            over = run.timings["over_budget"]
            assert [p["page"] for p in over] == [1, 2, 3]
            for page in over:
                assert page["seconds"] == pytest.approx(run.timings["pages"][page["page"] - 1],
                                                        abs=1e-3)
                assert 1 <= len(page["slowest_steps"]) <= 3
                assert max(page["slowest_steps"].values()) <= page["seconds"] + 1e-3
            assert sum("over the budget" in r.getMessage() for r in caplog.records) == 3
            caplog.clear()
    finally:
        dask_executor.settings = kept


def test_seconds_waited_for_an_ocr_slot_are_reported_apart_from_the_page_time():
    """A page step that waits for the machine's OCR slot (held here by another reader): its
    time in the timings is its own, the wait is the page's ``waited_s``."""
    import threading

    from cosy.inference.ocr_slot import ocr_slot

    def reads(page_no: int, ctx) -> dict:
        with ocr_slot(1) as waited:
            ctx.waited.append(waited)
        return {"page.slot_test": page_no}

    step = make_step(reads, name="ocr.slot_test", scope="page", requires=["page_no"],
                     provides=["page.slot_test"], sink=True)
    pipeline = Pipeline([*load_pipeline().steps, step])
    data, info = doc(PAGES[:1])
    held, release = threading.Event(), threading.Event()

    def other_reader() -> None:
        with ocr_slot(1):
            held.set()
            release.wait(10)

    t = threading.Thread(target=other_reader)
    t.start()
    held.wait(10)
    threading.Timer(0.6, release.set).start()
    run = SyncExecutor(Settings()).run(pipeline, data, info)
    t.join(10)
    assert run.timings["waited_s"][0] >= 0.3
    assert run.timings["steps"]["ocr.slot_test"] < 0.3
    assert run.timings["pages"][0] < sum(run.timings["steps"].values()) + 1e-3
    assert not any(k.endswith(".wait") for k in run.timings["steps"])

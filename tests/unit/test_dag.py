"""The pipeline's DAG is derived and checked: broken step sets are refused with a clear reason."""

from __future__ import annotations

import pytest

from cosy.engine.dag import Pipeline, PipelineError
from cosy.engine.step import make_step


def s(name, requires=(), provides=(), scope="page", sink=False):
    args = [a.replace(".", "_") for a in requires]
    fn = eval(f"lambda {', '.join(args)}: None") if args else (lambda: None)
    fn.__qualname__ = name
    return make_step(fn, name=name, scope=scope, requires=requires, provides=provides, sink=sink)


def chain():
    return [
        s("parse", ["pdf_bytes", "page_no"], ["words"]),
        s("lines", ["words"], ["lines"]),
        s("dates", ["lines"], ["dates"]),
        s("select", ["dates"], ["fields"], scope="document"),
        s("result", ["fields", "doc_info"], ["result"], scope="document", sink=True),
    ]


def test_valid_pipeline_is_ordered_and_counted():
    p = Pipeline(chain())
    assert [x.name for x in p.steps] == ["parse", "lines", "dates", "select", "result"]
    assert p.step_instances(1) == 5
    assert p.step_instances(10) == 3 * 10 + 2
    assert p.outputs == ("result",)


def test_fusion_makes_one_task_per_page_and_one_per_document_phase():
    p = Pipeline(chain())
    assert [(g.scope, len(g.steps)) for g in p.groups] == [("page", 3), ("document", 2)]
    assert p.task_count(4) == 5
    page_group = p.groups[0]
    assert page_group.inputs == ("page_no", "pdf_bytes")
    assert page_group.exports == ("dates",)  # words and lines stay inside the fused task


def test_document_step_before_pages_gets_its_own_phase():
    steps = [s("meta", ["pdf_bytes"], ["meta"], scope="document"), *chain()]
    steps[1] = s("parse", ["pdf_bytes", "page_no", "meta"], ["words"])
    p = Pipeline(steps)
    assert [(g.scope, g.phase) for g in p.groups] == [("document", 0), ("page", 1),
                                                     ("document", 2)]


def test_cycle_is_refused_naming_steps_and_artifacts():
    steps = [*chain(), s("loop", ["fields"], ["lines2"], scope="document")]
    steps[1] = s("lines", ["words", "lines2"], ["lines"])
    with pytest.raises(PipelineError, match=r"cycle.*lines.*lines2|cycle.*loop"):
        Pipeline(steps)


def test_missing_producer_is_refused():
    steps = chain()
    steps[2] = s("dates", ["lines", "language"], ["dates"])
    with pytest.raises(PipelineError, match=r"'dates' requires 'language', which no step provides"):
        Pipeline(steps)


def test_two_producers_are_refused():
    steps = [*chain(), s("dates2", ["lines"], ["dates"])]
    with pytest.raises(PipelineError, match=r"'dates' has two producers: 'dates' and 'dates2'"):
        Pipeline(steps)


def test_dead_step_is_refused_unless_it_is_a_sink():
    steps = [*chain(), s("orphan", ["lines"], ["nobody_reads_this"])]
    with pytest.raises(PipelineError, match=r"'orphan' is dead.*nobody_reads_this"):
        Pipeline(steps)
    steps[-1] = s("orphan", ["lines"], ["nobody_reads_this"], sink=True)
    assert len(Pipeline(steps).steps) == 6


def test_providing_an_engine_source_is_refused():
    with pytest.raises(PipelineError, match="engine itself provides"):
        Pipeline([*chain(), s("fake", ["lines"], ["page_no"])])


def test_duplicate_step_name_is_refused():
    with pytest.raises(PipelineError, match="appears twice"):
        Pipeline([*chain(), chain()[0]])


def test_signature_must_match_declaration():
    with pytest.raises(TypeError, match="does not match requires"):
        make_step(lambda words: None, name="x", scope="page", requires=["lines"],
                  provides=["y"])


def test_describe_and_dot_show_every_step():
    p = Pipeline(chain())
    d = p.describe(pages=3)
    assert d["step_instances"] == 11
    assert {x["name"] for x in d["steps"]} == {"parse", "lines", "dates", "select", "result"}
    assert {"name": "words", "producer": "parse", "consumers": ["lines"]} in d["artifacts"]
    dot = p.to_dot()
    assert '"lines" -> "dates" [label="lines"' in dot
    assert dot.startswith('digraph "default"')


def test_default_pipeline_loads_and_every_step_is_used():
    from cosy.engine.profiles import load_pipeline

    p = load_pipeline("default")
    d = p.describe(1)
    assert d["step_instances"] == len(p.steps)
    consumed = {a for st in p.steps for a in st.requires}
    for st in p.steps:
        assert st.sink or set(st.provides) & consumed, st.name


def test_join_step_takes_every_declared_artifact() -> None:
    from cosy.engine.step import StepContext, make_step

    def join(base: int, **parts: int) -> int:
        return base + sum(parts.values())

    s = make_step(join, name="t.join", scope="document", requires=["base", "a.x", "b.y"],
                  provides=["total"])
    ctx = StepContext("d", "t", None, None, None)
    assert s.call({"base": 1, "a.x": 2, "b.y": 3}, ctx) == {"total": 6}
    with pytest.raises(TypeError, match="undeclared"):
        make_step(join, name="t.bad", scope="document", requires=["a.x"], provides=["total"])


def _fn_step(name, fn, requires, provides, scope="page", sink=False):
    return make_step(fn, name=name, scope=scope, requires=requires, provides=provides, sink=sink)


def counting():
    """A small real pipeline: words -> lines -> dates per page, joined by a document step."""
    return Pipeline([
        _fn_step("split", lambda page_text: page_text.split(), ["page.text"], ["page.words"]),
        _fn_step("upper", lambda page_words: [w.upper() for w in page_words], ["page.words"],
                 ["page.upper"]),
        _fn_step("numbered", lambda page_upper, page_no: [f"{page_no}:{w}" for w in page_upper],
                 ["page.upper", "page_no"], ["page.numbered"]),
        _fn_step("join", lambda page_numbered: [w for p in page_numbered for w in p],
                 ["page.numbered"], ["doc.all"], scope="document"),
        _fn_step("count", lambda doc_all: len(doc_all), ["doc.all"], ["doc.count"],
                 scope="document", sink=True),
    ], inputs=["page.text"])


def test_subset_keeps_only_the_steps_an_output_needs():
    full = counting()
    part = full.subset(["page.upper"], inputs=["page.text"])
    assert [x.name for x in part.steps] == ["split", "upper"]
    assert part.outputs == ("page.upper",)  # an output of a subset is no dead step
    cut = full.subset(["doc.all"], inputs=["page.upper"])  # given upstream: its steps go
    assert [x.name for x in cut.steps] == ["numbered", "join"]
    with pytest.raises(PipelineError, match=r"provides 'page\.nothing'"):
        full.subset(["page.nothing"])


def test_subset_runs_pages_and_the_document():
    part = counting().subset(["doc.count", "page.numbered"], inputs=["page.text"])
    out = part.run([{"page.text": "a b"}, {"page.text": "c"}])
    assert out["page.numbered"] == [["1:A", "1:B"], ["2:C"]]  # a page artifact per page
    assert out["doc.all"] == ["1:A", "1:B", "2:C"] and out["doc.count"] == 3
    one = part.run_page({"page.text": "x y", "page_no": 4})
    assert one["page.numbered"] == ["4:X", "4:Y"] and one["doc.count"] == 2


def _words(page_text: str) -> list[str]:
    return page_text.split()


def _sizes_wrong(page_words: dict[str, float]) -> int:
    return len(page_words)


def _sizes_right(page_words: list[str]) -> int:
    return len(page_words)


def _all_words(page_words: list[list[str]]) -> list[str]:
    return [w for page in page_words for w in page]


def _all_words_wrong(page_words: list[str]) -> list[str]:
    return page_words


def test_a_consumer_must_accept_what_its_producer_returns():
    words = _fn_step("words", _words, ["page.text"], ["page.words"])
    ok = _fn_step("sizes", _sizes_right, ["page.words"], ["page.sizes"], sink=True)
    Pipeline([words, ok], inputs=["page.text"])
    wrong = _fn_step("sizes", _sizes_wrong, ["page.words"], ["page.sizes"], sink=True)
    with pytest.raises(PipelineError, match=r"'sizes' reads 'page\.words' as dict\[str, float\]"):
        Pipeline([words, wrong], inputs=["page.text"])
    # a document step reads a page artifact as the list of the pages' values
    joined = _fn_step("join", _all_words, ["page.words"], ["doc.words"], scope="document",
                      sink=True)
    Pipeline([words, joined], inputs=["page.text"])
    flat = _fn_step("join", _all_words_wrong, ["page.words"], ["doc.words"], scope="document",
                    sink=True)
    with pytest.raises(PipelineError, match="types do not fit"):
        Pipeline([words, flat], inputs=["page.text"])

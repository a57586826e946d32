"""(8) The soak: 1,000 uploads to one `cosy serve` at its defaults, hostile ones among them.

``SOAK_UPLOADS`` (1000) documents go up over HTTP from ``SOAK_CLIENTS`` (4) threads sharing
two API keys, as fast as the server lets them: the rate limiter's 429s are counted and the
upload is sent again after its Retry-After. Every ``SOAK_HOSTILE_EVERY``-th document (20) is a
hostile one from cosy.corpus.hostile (bombs, deep nesting, huge pages, blank runs), made unique
so that none is answered from the content-addressed store. Then the client waits until every
accepted job has ended and reports: accepted, 429, 5xx, lost (accepted but never ended), jobs
by outcome, seconds from upload to done (p50/p95/max: this includes the queue, since the
uploads come far faster than 2 workers read), and the resident memory of the server process
and each worker over time. Written to ``soak.json`` and ``soak.md`` in ``BENCH_OUT``
(benchmarks/results); the shared bench report is left alone.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from benchmarks import harness
from benchmarks.harness import env_int, percentile
from benchmarks.report import RESULTS
from cosy.corpus import hostile

SAMPLE_S = 2.0
HOSTILE = [
    lambda: hostile.content_bomb(1 << 30), lambda: hostile.embedded_file_bomb(1 << 30),
    lambda: hostile.many_operators(300_000), lambda: hostile.blank_pages(100),
    lambda: hostile.deep_forms(2000), hostile.huge_page, hostile.huge_drawing,
    lambda: hostile.image_bomb(50_000), lambda: hostile.font_bomb(1 << 30),
    hostile.circular_pages, hostile.self_drawing_form, lambda: hostile.nested_arrays(20_000),
]


def soak_documents(n: int, hostile_every: int) -> list[tuple[str, bytes]]:
    """``n`` distinct PDFs: invoices of 1-3 pages, and every ``hostile_every``-th a hostile
    one (its bytes made unique by a trailing comment, which readers ignore)."""
    docs = []
    for i in range(n):
        if hostile_every and i % hostile_every == hostile_every - 1:
            make = HOSTILE[(i // hostile_every) % len(HOSTILE)]
            docs.append((f"hostile-{i:04d}.pdf", make() + b"\n%% soak %d\n" % i))
            continue
        lines = ["Muster GmbH, Hauptstr. 1, 10115 Berlin", f"Rechnungsnummer: RE-{i:06d}",
                 "Rechnungsdatum: 03.02.2025", f"Gesamtbetrag {100 + i},00 EUR",
                 "IBAN DE89 3704 0044 0532 0130 00"]
        docs.append((f"invoice-{i:04d}.pdf",
                     hostile.document([hostile.text_page(lines)] * (1 + i % 3))))
    return docs


def upload_all(server: harness.Server, keys: list[str], docs: list[tuple[str, bytes]],
               clients: int) -> list[dict[str, Any]]:
    """Upload every document once accepted (429: wait Retry-After, send again); what each
    attempt answered."""
    import httpx

    def send(i: int) -> dict[str, Any]:
        name, data = docs[i]
        out: dict[str, Any] = {"name": name, "codes": []}
        with httpx.Client(base_url=server.url, timeout=60.0, trust_env=False,
                          headers={"Authorization": f"Bearer {keys[i % len(keys)]}"}) as c:
            while True:
                out["sent_at"] = time.time()
                try:
                    r = c.post("/v1/documents", files={"files": (name, data, "application/pdf")})
                except httpx.HTTPError as err:
                    out["codes"].append(f"error: {type(err).__name__}")
                    return out
                out["codes"].append(r.status_code)
                if r.status_code == 429:
                    time.sleep(float(r.headers.get("Retry-After", "1")))
                    continue
                if r.status_code in (200, 202):
                    out["job"] = r.json()["items"][0]["job_id"]
                return out

    with ThreadPoolExecutor(clients) as pool:
        return list(pool.map(send, range(len(docs))))


def wait_all(server: harness.Server, key_of: dict[str, str], timeout_s: float
             ) -> dict[str, dict[str, Any]]:
    """Poll every accepted job until it is final or ``timeout_s`` passes; the last views."""
    import httpx

    jobs: dict[str, dict[str, Any]] = {}
    deadline = time.monotonic() + timeout_s
    pending = set(key_of)
    with httpx.Client(base_url=server.url, timeout=30.0, trust_env=False) as c:
        while pending and time.monotonic() < deadline:
            for job_id in list(pending):
                r = c.get(f"/v1/jobs/{job_id}",
                          headers={"Authorization": f"Bearer {key_of[job_id]}"})
                if r.status_code == 429:
                    time.sleep(float(r.headers.get("Retry-After", "1")))
                    continue
                if r.status_code == 200:
                    jobs[job_id] = r.json()
                    if jobs[job_id]["status"] in ("succeeded", "failed"):
                        pending.discard(job_id)
            time.sleep(2.0)
    return jobs


def summarize(sent: list[dict[str, Any]], jobs: dict[str, dict[str, Any]],
              samples: list[dict[str, Any]], wall_s: float) -> dict[str, Any]:
    codes = Counter(c for s in sent for c in s["codes"])
    accepted = [s for s in sent if "job" in s]
    ended = [jobs[s["job"]] for s in accepted
             if jobs.get(s["job"], {}).get("status") in ("succeeded", "failed")]
    to_done = [j["updated_at"] - j["created_at"] for j in ended]
    outcome = Counter("partial" if j.get("partial") else j["status"] for j in ended)
    kinds = Counter((j.get("error") or {}).get("kind") for j in ended if j["status"] == "failed")
    workers = [w for s in samples for w in s["largest_children_mb"]]
    return {
        "uploads": len(sent), "accepted": len(accepted),
        "answers": {str(k): v for k, v in sorted(codes.items(), key=str)},
        "status_429": codes.get(429, 0),
        "status_5xx": sum(v for k, v in codes.items() if isinstance(k, int) and k >= 500),
        "lost": len(accepted) - len(ended), "jobs": dict(outcome),
        "failed_kinds": {str(k): v for k, v in kinds.items()},
        "to_done_s": {"p50": round(percentile(to_done, 50), 1),
                      "p95": round(percentile(to_done, 95), 1),
                      "max": round(max(to_done, default=0.0), 1)},
        "pipeline_p95_s": round(percentile([float((j.get("timings") or {}).get("total_s", 0))
                                            for j in ended if j["status"] == "succeeded"],
                                           95), 2),
        "wall_s": round(wall_s, 1),
        "rss_mb": {"serve_max": max((s["root_mb"] for s in samples), default=0),
                   "worker_max": max(workers, default=0),
                   "total_max": max((s["total_mb"] for s in samples), default=0)},
        "rss_over_time": samples[:: max(1, len(samples) // 40)],
    }


def markdown(s: dict[str, Any]) -> str:
    def pairs(counts: dict[str, int]) -> str:
        return ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))

    rows = [("uploads", s["uploads"]), ("accepted (202/200)", s["accepted"]),
            ("429 answers (sent again after Retry-After)", s["status_429"]),
            ("5xx answers", s["status_5xx"]), ("lost (accepted, never ended)", s["lost"]),
            ("jobs by outcome", pairs(s["jobs"])), ("failed, by kind", pairs(s["failed_kinds"])),
            ("upload to done p50 / p95 / max", "{p50} / {p95} / {max} s".format(**s["to_done_s"])),
            ("pipeline p95 (succeeded jobs)", f"{s['pipeline_p95_s']} s"),
            ("wall time", f"{s['wall_s']} s"),
            ("peak RSS: serve / a worker / all", "{serve_max} / {worker_max} / {total_max} MB"
             .format(**s["rss_mb"]))]
    out = ["| figure | value |", "| --- | ---: |", *(f"| {k} | {v} |" for k, v in rows), "",
           "| t (s) | serve MB | workers MB | all MB |", "| ---: | ---: | ---: | ---: |"]
    out += [f"| {p['t']} | {p['root_mb']} | {' / '.join(map(str, p['largest_children_mb']))} | "
            f"{p['total_mb']} |" for p in s["rss_over_time"]]
    return "\n".join(out) + "\n"


@pytest.mark.timeout(env_int("SOAK_TIMEOUT_S", 3600) + 900)  # the suite's default is 300 s
def test_soak(benchmark: Any) -> None:
    n = env_int("SOAK_UPLOADS", 1000)
    docs = soak_documents(n, env_int("SOAK_HOSTILE_EVERY", 20))
    out: dict[str, Any] = {}

    def once() -> None:
        with harness.serve(workers=2) as server:  # defaults: rate limiter on, budgets default
            keys = [harness.create_key(server, f"soak{i}") for i in range(2)]
            t0 = time.monotonic()
            with harness.MemorySampler(server.proc.pid, SAMPLE_S) as sampler:
                sent = upload_all(server, keys, docs, env_int("SOAK_CLIENTS", 4))
                key_of = {s["job"]: keys[i % len(keys)] for i, s in enumerate(sent) if "job" in s}
                jobs = wait_all(server, key_of, timeout_s=env_int("SOAK_TIMEOUT_S", 3600))
            out.update(summarize(sent, jobs, sampler.samples, time.monotonic() - t0))

    benchmark.pedantic(once, rounds=1, iterations=1, warmup_rounds=0)
    folder = Path(os.environ.get("BENCH_OUT", RESULTS))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "soak.json").write_text(json.dumps(out, indent=1) + "\n")
    (folder / "soak.md").write_text(markdown(out))
    benchmark.extra_info.update({k: out[k] for k in ("accepted", "status_5xx", "lost")})
    assert out["lost"] == 0 and out["status_5xx"] == 0, out
    assert out["rss_mb"]["worker_max"] < 2048 and out["rss_mb"]["serve_max"] < 2048, out


if __name__ == "__main__":  # pragma: no cover
    pytest.main([__file__, "-q", "--benchmark-only"])

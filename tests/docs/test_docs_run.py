"""The docs run as written: every shell block of docs/api.md and the README's examples, in
order, against a fresh `make run`-style server (`cosy run`: samples processed, then served).

The server runs in a temporary folder laid out like the repository for the examples
(`samples/`, `.venv/bin` linked to this interpreter's), on a free port (the examples' port 8000
is rewritten: other servers may hold it), with its own store. Each file's blocks run in one bash
with ``set -eo pipefail`` and ``curl --fail-with-body``, so a missing file (curl exit 26) or an
HTTP error fails the test instead of hiding behind ``-s | jq``. Not run: `make run` and `make
test` (this test is the first; the second would recurse) and `cosy serve` (the test's server
stands for it).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.test_e2e_serve import free_port, wait_ready

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"^```(?:sh|bash)\n(.*?)^```", re.MULTILINE | re.DOTALL)
NOT_RUN = re.compile(r"^\s*(make (run|test)|cosy serve)\b")
PREAMBLE = """set -eo pipefail
curl() { command curl --fail-with-body "$@"; }
trap 'echo "FAILED (exit $?): $BASH_COMMAND" >&2' ERR
"""


def shell_blocks(path: Path) -> list[str]:
    """The file's ```sh / ```bash blocks, without the lines this test does not run."""
    blocks = []
    for block in BLOCK.findall(path.read_text()):
        lines = [line for line in block.splitlines() if not NOT_RUN.match(line)]
        if any(line.strip() and not line.lstrip().startswith("#") for line in lines):
            blocks.append("\n".join(lines))
    return blocks


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str], int]]:
    """A folder with samples and .venv/bin, and a `cosy run` serving from it."""
    for tool in ("curl", "jq", "bash"):
        if shutil.which(tool) is None:
            pytest.skip(f"the docs' examples need {tool}, which is not installed")
    work = tmp_path_factory.mktemp("docs-site")
    bin_dir = Path(sys.executable).parent
    (work / ".venv").mkdir()
    (work / ".venv" / "bin").symlink_to(bin_dir)
    port = free_port()
    env = {**os.environ, "COSY_STORE": str(work / "store"), "COSY_DASK_WORKERS": "1",
           "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
           "COSY_DISPATCHER_POLL_S": "0.1"}
    env.pop("COSY_DASK_SCHEDULER", None)
    log = work / "run.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(bin_dir / "cosy"), "run", "--host", "127.0.0.1", "--port",
                                 str(port)], cwd=work, env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_ready(proc, f"http://127.0.0.1:{port}", log, 400)
        yield work, env, port
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def run_blocks(site: tuple[Path, dict[str, str], int], blocks: list[str]) -> str:
    work, env, port = site
    script = PREAMBLE + "\n".join(b.replace("127.0.0.1:8000", f"127.0.0.1:{port}")
                                  for b in blocks) + "\n"
    proc = subprocess.run(["bash", "-c", script], cwd=work, env=env, capture_output=True,
                          text=True, timeout=900)
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stderr[-3000:]}"
    return proc.stdout


def test_readme_examples_run(site):
    blocks = shell_blocks(ROOT / "README.md")
    assert len(blocks) >= 2  # the CLI examples and the HTTP API example
    out = run_blocks(site, blocks)
    work = site[0]
    assert len((work / "all.jsonl").read_text().splitlines()) == 12  # the samples
    assert (work / "dag.svg").read_text().startswith("<svg")
    assert "micro" in out and '"items"' in out  # the eval report; the upload's answer


def test_api_md_examples_run(site):
    blocks = shell_blocks(ROOT / "docs" / "api.md")
    assert len(blocks) >= 8
    out = run_blocks(site, blocks)
    assert out.count("event: end") >= 2  # a sample's stream, and the fresh document's
    fresh = out[out.rindex('"created"'):]
    assert "event: progress" in fresh and '"status":"succeeded"' in fresh
    found = re.search(r'^cosy_pages_processed_total\{status="succeeded"\} (\S+)', out, re.MULTILINE)
    assert found
    pages = int(float(found[1]))
    assert pages >= 13  # the samples processed before serving count (12 documents, 13 pages)

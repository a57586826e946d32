"""A live COSY (uvicorn, a dispatcher, the demo tenant) and Debian's chromium driven by Playwright.

The server runs in this process on 127.0.0.1 with the sync executor, one document at a time, so
the tests see real uploads, real jobs, real server-sent events and real page images. Screenshots
go to ``$COSY_SCREENSHOTS`` (``make demo-shots`` sets docs/demo) or to a temporary folder.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cosy.api.app import create_app
from cosy.api.keys import create_api_key
from cosy.api.web.demo import ensure_demo
from cosy.config import Settings
from cosy.corpus import generate_corpus
from cosy.engine.dispatcher import Dispatcher
from cosy.engine.executor import SyncExecutor
from cosy.engine.profiles import load_pipeline
from cosy.jobs import submit_document
from cosy.store import Store, open_store

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
DEMO, OTHER = "demo", "globex"
DEMO_KEY = "cosy_demo-key-for-the-browser-tests"
VIEWPORT = {"width": 1280, "height": 900}

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is absent: `make browser` installs Debian's chromium (needs apt-get "
                "and root); the browser tests are skipped", allow_module_level=True)
playwright_sync = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is absent: install the browser extra "
    "(pip install -e '.[dev,browser]', as `make test` does)")


@dataclass
class Live:
    base: str
    store: Store
    settings: Settings
    samples: Path  # generated PDFs that are not in any tenant yet
    reader_key: str
    other_key: str
    shots: Path

    def shot(self, page: Any, name: str) -> None:
        page.screenshot(path=str(self.shots / f"{name}.png"), full_page=False)

    def wait_idle(self, timeout: float = 240.0) -> None:
        """Until no job of any tenant is queued or running."""
        deadline = time.monotonic() + timeout
        while True:
            counts = self.store.count_jobs()
            if counts.get("queued", 0) + counts.get("running", 0) == 0:
                return
            assert time.monotonic() < deadline, f"jobs still running: {counts}"
            time.sleep(0.2)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="package")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    import uvicorn

    root = tmp_path_factory.mktemp("live")
    settings = Settings(store=str(root / "store"), dask_scheduler="sync", api_rate_per_s=0,
                        api_sse_poll_s=0.1, dispatcher_poll_s=0.1, dispatcher_concurrency=1,
                        job_lease_s=60, demo_tenant=DEMO, demo_key=DEMO_KEY, demo_samples=2,
                        review_threshold=0.99)  # a few values of the samples are due
    store = open_store(settings.store)
    ensure_demo(store, settings)
    generate_corpus(root / "samples", n=3, seed=4711)
    samples = root / "samples" / "docs"
    other_pdf = sorted(samples.glob("*.pdf"))[-1]
    submit_document(store, other_pdf.read_bytes(), "globex-only.pdf", OTHER, settings)
    reader_key, _ = create_api_key(store, DEMO, "reader", name="a reader")
    other_key, _ = create_api_key(store, OTHER, "admin", name="globex admin")

    app = create_app(settings, store)
    dispatcher = Dispatcher(store, SyncExecutor(settings), load_pipeline(), settings)
    app.state.on_submitted = dispatcher.wake
    dispatcher.start()
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           access_log=False, log_config=None))
    thread = threading.Thread(target=server.run, daemon=True, name="uvicorn")
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    shots = Path(os.environ.get("COSY_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    shots.mkdir(parents=True, exist_ok=True)
    live = Live(f"http://127.0.0.1:{port}", store, settings, samples, reader_key, other_key,
                shots)
    live.wait_idle()
    try:
        yield live
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        dispatcher.stop(wait=True)
        store.close()
        print(f"\nbrowser screenshots: {shots}")


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    with playwright_sync.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def new_page(browser: Any, live: Live) -> Iterator[Any]:
    """Pages in a fresh context (no cookies), closed after the test."""
    contexts = []

    def make(viewport: dict[str, int] | None = None) -> Any:
        context = browser.new_context(viewport=viewport or VIEWPORT, base_url=live.base)
        context.set_default_timeout(60_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for c in contexts:
        c.close()


def login(page: Any, key: str) -> None:
    page.goto("/app")
    assert page.url.endswith("/app/login")
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/app/documents")

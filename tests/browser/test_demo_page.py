"""The demo and review page in real headless Chromium: what a consultant and a reviewer do.

In file order: log in, drop PDFs and watch them to done, inspect the boxes of a document,
correct a value by keyboard and find it in the triples API, walk the graph, and reset the demo;
then what other keys must not do. Each step leaves a screenshot (see conftest.py).
"""

from __future__ import annotations

import base64
import re
from typing import Any

import httpx
import pytest

from tests.browser.conftest import DEMO, DEMO_KEY, Live, login

pytestmark = pytest.mark.slow

DROP_JS = """([files]) => {
  const dt = new DataTransfer();
  for (const [name, b64] of files) {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    dt.items.add(new File([bytes], name, { type: "application/pdf" }));
  }
  const zone = document.getElementById("dropzone");
  const init = { dataTransfer: dt, bubbles: true, cancelable: true };
  zone.dispatchEvent(new DragEvent("dragover", init));
  zone.dispatchEvent(new DragEvent("drop", init));
}"""


def api(live: Live, key: str) -> httpx.Client:
    return httpx.Client(base_url=live.base, headers={"Authorization": f"Bearer {key}"},
                        timeout=30)


def test_login_page_then_drop_pdfs_and_watch_them_to_done(new_page: Any, live: Live) -> None:
    page = new_page()
    page.goto("/")
    page.wait_for_url("**/app/login")
    live.shot(page, "00-login")
    page.get_by_label("API key").fill("cosy_not-a-key")
    page.get_by_role("button", name="Log in").click()
    assert "unknown or revoked" in page.get_by_role("alert").inner_text()
    login(page, DEMO_KEY)
    assert f"{DEMO} · admin" in page.locator(".who").inner_text()

    new_pdf = sorted(live.samples.glob("*.pdf"))[0]
    known = live.store.list_documents(DEMO, limit=1)[0]  # a seeded sample: already there
    known_pdf = live.store.blobs.get(known["blob"])
    files = [[new_pdf.name, base64.b64encode(new_pdf.read_bytes()).decode()],
             [known["file_name"], base64.b64encode(known_pdf).decode()]]
    page.evaluate(DROP_JS, [files])
    rows = page.locator("#uploads > li.upload")
    rows.first.wait_for()
    assert rows.count() == 2
    new_row = rows.filter(has_text=new_pdf.name)
    # live progress: some stage lights up before the end (the sync executor reports per group)
    page.wait_for_function(
        "() => [...document.querySelectorAll('#uploads .stages li.reached')].length > 0")
    live.shot(page, "01-upload-progress")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#uploads > li')].every(li => li.dataset.done)",
        timeout=180_000)
    for row in (new_row, rows.filter(has_text=known["file_name"])):
        state = row.locator(".state").inner_text()
        assert state.startswith("done"), state
        assert re.search(r"\d+\.\d\d s per page", state), state
        assert row.locator(".stages li.reached").count() == 6  # five stages and done
    # the documents table below is refreshed: the new file is listed, succeeded
    listed = page.locator("table.grid tbody tr").filter(has_text=new_pdf.name)
    listed.locator(".s-succeeded").wait_for()
    live.shot(page, "02-upload-done")
    new_row.get_by_role("link", name="open").click()
    page.wait_for_url(re.compile(r".*/app/documents/sha256.*"))
    assert page.locator("h1").first.inner_text() == new_pdf.name


def test_document_view_boxes_every_value_on_the_page_image(new_page: Any, live: Live) -> None:
    live.wait_idle()
    page = new_page()
    login(page, DEMO_KEY)
    doc = next(d for d in live.store.list_documents(DEMO) if d.get("result"))
    with page.expect_response(re.compile(r".*/pages/1\.png.*")) as image:
        page.goto(f"/app/documents/{doc['id']}")
    assert image.value.status == 200 and image.value.headers["content-type"] == "image/png"
    boxes = page.locator("rect.box")
    on_page = [f for f in doc["result"]["fields"].values() if f.get("page") == 1
               and f.get("bbox")]
    assert boxes.count() >= len(on_page) > 5
    # the boxes sit inside the drawn page, and a box of a known value sits where its bbox says
    frame = page.locator("#page-svg image").bounding_box()  # the drawn page
    boxes_seen = [tuple(f["bbox"]) for f in on_page]
    name, field = min(((n, f) for n, f in doc["result"]["fields"].items()  # the topmost one
                       if f.get("page") == 1 and f.get("bbox") and not isinstance(f["value"],
                                                                                   dict)
                       and boxes_seen.count(tuple(f["bbox"])) == 1),  # that none covers
                      key=lambda nf: nf[1]["bbox"][1])
    box = page.locator(f'rect.box[data-key="{name}"]').bounding_box()
    width = doc["result"]["document"]["page_sizes"][0]["width"]
    scale = frame["width"] / width
    assert abs(box["x"] - (frame["x"] + field["bbox"][0] * scale)) < 2
    assert abs(box["y"] - (frame["y"] + field["bbox"][1] * scale)) < 2
    page.locator(f'rect.box[data-key="{name}"]').hover()
    tip = page.locator("#tip")
    tip.wait_for(state="visible")
    text = tip.inner_text()
    assert str(field["value"]) in text and "confidence" in text and "step" in text
    assert page.locator(f'tr.hl[data-key="{name}"]').count() == 1  # its table row lights up
    assert page.get_by_role("heading", name="Checks").is_visible()
    if doc["result"].get("line_items"):
        assert page.get_by_role("heading", name="Line items").is_visible()
    live.shot(page, "03-document-boxes")


def test_review_by_keyboard_reaches_the_triples_api(new_page: Any, live: Live) -> None:
    live.wait_idle()
    page = new_page()
    login(page, DEMO_KEY)
    page.goto("/app/review")
    items = page.locator("#queue .item")
    assert items.count() > 0
    before = int(page.locator("#queue-count").inner_text())
    first = items.first
    doc_id, key = first.get_attribute("data-doc"), first.get_attribute("data-key")
    old = first.locator(".value").inner_text()
    new = _a_valid_new_value(key, old)
    page.locator("body").press("j")  # keyboard only: j focuses the first value's box
    assert page.evaluate("document.activeElement.name") == "value"
    page.keyboard.press("Control+A")
    page.keyboard.type(new)
    page.keyboard.press("Enter")
    first.locator(".badge.reviewed").wait_for()
    assert "corrected" in first.inner_text()
    assert int(page.locator("#queue-count").inner_text()) == before - 1
    # focus moved on to the next value: Alt+A accepts it as it is
    if items.count() > 1:
        second = items.nth(1)
        assert page.evaluate("document.activeElement.closest('.item').dataset.key") == \
            second.get_attribute("data-key")
        page.keyboard.press("Alt+A")
        second.locator(".badge.reviewed").wait_for()
        assert "accepted" in second.inner_text()
    live.shot(page, "04-review")

    with api(live, DEMO_KEY) as client:
        now = client.get("/v1/triples", params={"doc": doc_id, "o": new}).json()["items"]
        assert now and all(t["step"] == "review" and t["source"] == "reviewed" for t in now)
        gone = client.get("/v1/triples", params={"doc": doc_id, "o": old}).json()["items"]
        assert not [t for t in gone if t["p"] in {x["p"] for x in now}]
        field = client.get(f"/v1/documents/{doc_id}").json()["result"]["fields"]
    name, _, part = key.partition(".")
    value = field[name]["value"][part] if part else field[name]["value"]
    assert value == new
    audit = live.store.list_audit(DEMO)
    assert any(e["event"] == "value.reviewed" and e["details"]["new_value"] == new for e in audit)


def _a_valid_new_value(key: str, old: str) -> str:
    """A different value of the field's kind (dates and amounts are checked when saved)."""
    if re.fullmatch(r"\d{4}-\d\d-\d\d", old):
        return "2001-02-03" if old != "2001-02-03" else "2001-02-04"
    if re.fullmatch(r"-?\d+\.\d+", old):
        return "4242.42"
    if key in ("iban", "debtor_iban"):
        return "DE89370400440532013000"
    if key == "currency":
        return "CHF"
    return f"{old} (checked)"


def test_graph_search_and_click_a_node(new_page: Any, live: Live) -> None:
    live.wait_idle()
    page = new_page()
    login(page, DEMO_KEY)
    seller = next(d["result"]["fields"]["seller_name"]["value"]
                  for d in live.store.list_documents(DEMO)
                  if (d.get("result") or {}).get("fields", {}).get("seller_name"))
    page.goto("/app/graph")
    page.get_by_label("Search entities").fill(seller[:6])
    page.get_by_role("button", name="Search").click()
    page.locator(".found a").filter(has_text=seller).first.click()
    assert page.locator("#graph-title").inner_text().startswith(seller)
    nodes = page.locator("svg.graph a.node")
    assert nodes.count() > 2
    assert page.locator("svg.graph .edge").count() >= nodes.count() - 1
    live.shot(page, "05-graph")
    target = page.locator("svg.graph a.node:not(.center)").first
    label = target.get_attribute("aria-label")
    target.locator("circle").click()
    page.wait_for_url(re.compile(r".*/app/graph\?entity=urn.*"))
    heading = page.locator("#graph-title").inner_text()
    assert heading.split()[0] in label  # the clicked node is now the centre
    assert page.locator("svg.graph a.node.center").count() == 1


def test_tablet_width_has_no_horizontal_scroll(new_page: Any, live: Live) -> None:
    page = new_page({"width": 800, "height": 1100})
    login(page, DEMO_KEY)
    doc = next(d for d in live.store.list_documents(DEMO) if d.get("result"))
    for path in ("/app/documents", f"/app/documents/{doc['id']}", "/app/review", "/app/graph"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path


def test_another_tenant_sees_none_of_the_demo(new_page: Any, live: Live) -> None:
    page = new_page()
    login(page, live.other_key)
    names = page.locator("table.grid tbody a").all_inner_texts()
    assert names == ["globex-only.pdf"]
    demo_doc = live.store.list_documents(DEMO, limit=1)[0]
    response = page.goto(f"/app/documents/{demo_doc['id']}")
    assert response.status == 404
    entity = live.store.find_entities(DEMO, type="Organization", limit=1)[0]["id"]
    assert page.goto(f"/app/graph?entity={entity}").status == 404
    assert page.goto(f"/app/documents/{demo_doc['id']}/pages/1.png").status == 404
    page.goto("/app/review")
    assert demo_doc["file_name"] not in page.content()
    assert page.locator("#reset-demo").count() == 0  # an admin, but not of the demo tenant


def test_a_reader_cannot_correct(new_page: Any, live: Live) -> None:
    page = new_page()
    login(page, live.reader_key)
    page.goto("/app/review")
    assert "reader key" in page.locator("main").inner_text()
    assert page.locator("form.review-form").count() == 0
    page.goto("/app/documents")
    assert page.locator("#dropzone").count() == 0  # no upload either
    item = live.store.list_documents(DEMO, limit=1)[0]
    csrf = page.locator('meta[name="csrf-token"]').get_attribute("content")
    answer = page.request.post("/app/review", data={"doc": item["id"], "key": "currency",
                                                    "value": "USD"},
                               headers={"X-CSRF-Token": csrf})
    assert answer.status == 403
    assert "needs the writer role" in answer.json()["error"]["message"]
    without_csrf = page.request.post("/app/demo/reset")
    assert without_csrf.status == 403 and without_csrf.json()["error"]["code"] == "csrf"


def test_reset_demo(new_page: Any, live: Live) -> None:
    live.wait_idle()
    page = new_page()
    login(page, DEMO_KEY)
    before = {d["file_name"] for d in live.store.list_documents(DEMO)}
    assert len(before) == live.settings.demo_samples + 1  # the samples and the dropped file
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Reset demo").click()
    page.locator("#flash").filter(has_text="Demo reset").wait_for()
    page.wait_for_url("**/app/documents")
    live.wait_idle()
    page.reload()
    after = page.locator("table.grid tbody a").all_inner_texts()
    assert len(after) == live.settings.demo_samples and set(after) < before
    assert live.store.list_corrections(DEMO) == []  # the demo's corrections went with it
    assert live.store.count_documents("globex") == 1  # another tenant is untouched
    live.shot(page, "06-after-reset")

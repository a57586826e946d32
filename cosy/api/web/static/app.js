// COSY's demo and review page: upload with live progress, boxes with tooltips, review forms.
// Plain JavaScript, no library: every request goes to this server, with the CSRF token.
"use strict";

const csrf = () => document.querySelector('meta[name="csrf-token"]').content;

function flash(message, kind = "info") {
  const box = document.getElementById("flash");
  box.textContent = message;
  box.className = "flash " + kind;
  box.setAttribute("role", kind === "error" ? "alert" : "status");
}

async function post(url, body) {
  const opts = { method: "POST", headers: { "X-CSRF-Token": csrf() }, credentials: "same-origin" };
  if (body instanceof FormData) opts.body = body;
  else if (body !== undefined) {
    opts.body = JSON.stringify(body);
    opts.headers["Content-Type"] = "application/json";
  }
  const r = await fetch(url, opts);
  const data = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error((data.error && data.error.message) || r.statusText);
  return data;
}

// --- reset demo ----------------------------------------------------------------------------
function initReset() {
  const button = document.getElementById("reset-demo");
  if (!button) return;
  button.addEventListener("click", async () => {
    if (!window.confirm(button.dataset.confirm)) return;
    button.disabled = true;
    try {
      const done = await post("/app/demo/reset");
      flash(`Demo reset: ${done.deleted} documents deleted, ${done.queued} samples queued.`);
      setTimeout(() => { window.location.href = "/app/documents"; }, 600);
    } catch (err) {
      flash("Reset refused: " + err.message, "error");
      button.disabled = false;
    }
  });
}

// --- upload with live progress ---------------------------------------------------------------
const STAGE_OF_FAMILY = {
  queued: null, parse: "parse", ocr: "ocr", text: "layout", layout: "layout", nlp: "fields",
  ner: "fields", classify: "fields", fields: "fields", xml: "fields", lineitems: "fields",
  consistency: "fields", relations: "graph", graph: "graph", result: "graph", done: "done",
};

function uploadRow(name, stages) {
  const li = document.createElement("li");
  li.className = "upload";
  li.innerHTML = `<div class="upload-head"><span class="name"></span>
      <span class="state" aria-live="polite">uploading…</span></div>
    <ol class="stages">${stages.map((s) => `<li data-stage="${s}">${s === "ocr" ? "OCR" : s}</li>`).join("")}
      <li data-stage="done">done</li></ol>
    <progress max="100" value="0" aria-label="progress"></progress>`;
  li.querySelector(".name").textContent = name;
  return li;
}

function showProgress(li, stages, job) {
  const p = job.progress || {};
  const stage = job.status === "succeeded" ? "done" : STAGE_OF_FAMILY[p.stage] || null;
  const order = [...stages, "done"];
  const reached = stage ? order.indexOf(stage) : -1;
  li.querySelectorAll(".stages li").forEach((el, i) => {
    el.classList.toggle("reached", i <= reached);
    el.classList.toggle("current", i === reached && stage !== "done");
  });
  const bar = li.querySelector("progress");
  if (p.steps_total) bar.value = Math.round((100 * (p.steps_done || 0)) / p.steps_total);
  const state = li.querySelector(".state");
  if (job.status === "succeeded") {
    bar.value = 100;
    const t = job.timings || {};
    const perPage = t.per_page_s != null ? `${t.per_page_s.toFixed(2)} s per page` : "";
    state.innerHTML = `<span class="status s-succeeded">done</span> ${perPage} · <a href="/app/documents/${encodeURIComponent(job.document_id)}">open</a>`;
    li.dataset.done = "true";
  } else if (job.status === "failed") {
    const e = job.error || {};
    state.innerHTML = '<span class="status s-failed">failed</span> <span class="reason"></span>';
    state.querySelector(".reason").textContent = `${e.step || ""}: ${e.reason || ""}`;
    li.dataset.done = "true";
  } else {
    state.textContent = job.status === "queued" ? "queued" : `${stage || "running"}…`;
  }
}

async function refreshDocuments() {
  // the documents table as the server renders it now: new uploads appear with their status
  const section = document.querySelector('section[aria-labelledby="docs-title"]');
  const r = await fetch(window.location.href, { credentials: "same-origin" });
  if (!section || !r.ok) return;
  const fresh = new DOMParser().parseFromString(await r.text(), "text/html")
    .querySelector('section[aria-labelledby="docs-title"]');
  if (fresh) section.innerHTML = fresh.innerHTML;
}

function watch(li, stages, item) {
  showProgress(li, stages, { status: item.status, progress: {}, document_id: item.document_id });
  const source = new EventSource(`/app/jobs/${encodeURIComponent(item.job_id)}/events`);
  const onData = (ev) => showProgress(li, stages, JSON.parse(ev.data));
  source.addEventListener("progress", onData);
  source.addEventListener("end", (ev) => { onData(ev); source.close(); refreshDocuments(); });
  source.addEventListener("timeout", () => source.close());
}

async function uploadFiles(files, list, stages) {
  const pdfs = [...files];
  if (!pdfs.length) return;
  const rows = pdfs.map((f) => { const li = uploadRow(f.name, stages); list.prepend(li); return li; });
  const form = new FormData();
  pdfs.forEach((f) => form.append("files", f, f.name));
  try {
    const answer = await post("/app/upload", form);
    answer.items.forEach((item, i) => watch(rows[i], stages, item));
  } catch (err) {
    rows.forEach((li) => {
      li.querySelector(".state").textContent = "refused";
      li.dataset.done = "true";
    });
    flash("Upload refused: " + err.message, "error");
  }
}

function initUpload() {
  const zone = document.getElementById("dropzone");
  if (!zone) return;
  const input = document.getElementById("file-input");
  const list = document.getElementById("uploads");
  const stages = zone.dataset.stages.split(",");
  const open = () => input.click();
  zone.addEventListener("click", open);
  zone.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); open(); } });
  input.addEventListener("change", () => { uploadFiles(input.files, list, stages); input.value = ""; });
  zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    uploadFiles(e.dataTransfer.files, list, stages);
  });
}

// --- boxes on the page ---------------------------------------------------------------------
function initBoxes() {
  const svg = document.getElementById("page-svg");
  if (!svg) return;
  const tip = document.getElementById("tip");
  const show = (rect) => {
    const d = rect.dataset;
    tip.innerHTML = "<strong></strong><div class='v'></div><dl></dl>";
    tip.querySelector("strong").textContent = d.label;
    tip.querySelector(".v").textContent = d.value;
    const dl = tip.querySelector("dl");
    [["step", d.step || "–"], ["model", d.model || "none (rules)"], ["confidence", d.confidence],
      ["source", d.source]].forEach(([k, v]) => {
      const dt = document.createElement("dt"); dt.textContent = k;
      const dd = document.createElement("dd"); dd.textContent = v;
      dl.append(dt, dd);
    });
    const frame = svg.getBoundingClientRect();
    const box = rect.getBoundingClientRect();
    tip.style.left = `${Math.min(box.left - frame.left, frame.width - 260)}px`;
    tip.style.top = `${box.bottom - frame.top + 6}px`;
    tip.hidden = false;
    document.querySelectorAll(`tr[data-key="${CSS.escape(d.key)}"]`).forEach((tr) => tr.classList.add("hl"));
  };
  const hide = () => {
    tip.hidden = true;
    document.querySelectorAll("tr.hl").forEach((tr) => tr.classList.remove("hl"));
  };
  svg.querySelectorAll("rect.box").forEach((rect) => {
    rect.addEventListener("mouseenter", () => show(rect));
    rect.addEventListener("focus", () => show(rect));
    rect.addEventListener("mouseleave", hide);
    rect.addEventListener("blur", hide);
  });
  document.querySelectorAll("tr[data-key]").forEach((tr) => {
    const rect = svg.querySelector(`rect[data-key="${CSS.escape(tr.dataset.key)}"]`);
    if (!rect) return;
    tr.addEventListener("mouseenter", () => rect.classList.add("hl"));
    tr.addEventListener("mouseleave", () => rect.classList.remove("hl"));
  });
}

// --- review --------------------------------------------------------------------------------
async function review(form, accept) {
  const input = form.querySelector("input[name=value]");
  const body = { doc: form.dataset.doc, key: form.dataset.key };
  if (!accept) body.value = input.value;
  form.querySelectorAll("button").forEach((b) => { b.disabled = true; });
  try {
    const done = await post("/app/review", body);
    const item = form.closest(".item, tr");
    const what = done.action === "accept" ? "accepted" : `corrected: ${done.old_value} → ${done.new_value}`;
    if (item) {
      item.classList.add("done");
      const value = item.querySelector(".value");
      if (value) value.textContent = done.new_value;
    }
    const badge = document.createElement("span");
    badge.className = "badge reviewed";
    badge.textContent = what;
    form.replaceWith(badge);
    const count = document.getElementById("queue-count");
    if (count) count.textContent = String(Math.max(0, Number(count.textContent) - 1));
    flash(`${body.key}: ${what}`);
    focusItem(item, 1);
  } catch (err) {
    flash(`${body.key}: ${err.message}`, "error");
    form.querySelectorAll("button").forEach((b) => { b.disabled = false; });
    input.focus();
  }
}

function focusItem(from, step) {
  const items = [...document.querySelectorAll("#queue .item:not(.done)")];
  if (!items.length) return;
  const all = [...document.querySelectorAll("#queue .item")];
  let i = from ? all.indexOf(from) : -1;
  for (let n = 0; n < all.length; n += 1) {
    i = (i + step + all.length) % all.length;
    if (!all[i].classList.contains("done")) break;
  }
  const target = all[i];
  const input = target.querySelector("input[name=value]");
  (input || target).focus();
  target.scrollIntoView({ block: "nearest" });
}

function initReview() {
  document.querySelectorAll("form.review-form").forEach((form) => {
    form.addEventListener("submit", (e) => { e.preventDefault(); review(form, false); });
    form.querySelector("button.accept").addEventListener("click", () => review(form, true));
    form.addEventListener("keydown", (e) => {
      if (e.altKey && (e.key === "a" || e.key === "A")) { e.preventDefault(); review(form, true); }
      if (e.key === "Escape") form.closest(".item, tr")?.focus();
    });
  });
  if (!document.getElementById("queue")) return;
  document.addEventListener("keydown", (e) => {
    if (e.target.matches("input, textarea") || e.altKey || e.ctrlKey || e.metaKey) return;
    const current = document.activeElement.closest ? document.activeElement.closest(".item") : null;
    if (e.key === "j") { e.preventDefault(); focusItem(current, 1); }
    if (e.key === "k") { e.preventDefault(); focusItem(current, -1); }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  initReset();
  initUpload();
  initBoxes();
  initReview();
});

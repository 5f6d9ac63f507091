// The post-editing page of `mt serve`. Plain JavaScript, no build step.
//
// Everything the user typed, uploaded or got back from the server is put into the page with
// textContent or as a form value, never as HTML: a release holding <script> shows the text.
// The whole state (the release, each language's units and edits) lives in sessionStorage, so a
// refresh of the tab loses nothing; closing the tab forgets it.
"use strict";

const STORE = "mt-serve-page";
const CHECK_DELAY_MS = 350; // the check re-runs this long after the last keystroke
const EXTENSIONS = { text: ".txt", markdown: ".md", html: ".html" };
const FORMAT_OF = { txt: "text", md: "markdown", markdown: "markdown", html: "html", htm: "html" };
const STATUS_LABEL = { applied: "applied", missing: "unmet", forbidden: "forbidden" };

let state = load() || { release: "", format: "text", filename: "", langs: [], current: "", docs: {} };
const timers = new Map();

function $(id) { return document.getElementById(id); }

function load() {
  try { return JSON.parse(sessionStorage.getItem(STORE)); } catch { return null; }
}

function save() {
  try { sessionStorage.setItem(STORE, JSON.stringify(state)); } catch (error) {
    status(`Cannot keep the edits in this tab: ${error.message}`, true);
  }
}

function status(message, isError = false) {
  const box = $("status");
  box.textContent = message;
  box.classList.toggle("error", isError);
}

async function api(path, body) {
  const key = $("api-key").value;
  if (key) body = { ...body, api_key: key };
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  let answer;
  try { answer = await response.json(); } catch { answer = {}; }
  if (!response.ok) {
    const retry = response.headers.get("Retry-After");
    throw new Error((answer.error || `HTTP ${response.status}`) + (retry ? ` (retry in ${retry} s)` : ""));
  }
  return answer;
}

// --- highlighting --------------------------------------------------------------------------------

// Spans of `text` to mark: the first occurrence of each needle not overlapping an earlier one.
function ranges(text, marks, field) {
  const lowered = text.toLowerCase();
  const found = [];
  for (const mark of marks) {
    const needle = mark[field];
    if (!needle) continue;
    let from = 0;
    while (from <= lowered.length) {
      const start = lowered.indexOf(needle.toLowerCase(), from);
      if (start < 0) break;
      const end = start + needle.length;
      if (!found.some(r => start < r.end && r.start < end)) {
        found.push({ start, end, mark });
        break;
      }
      from = start + 1;
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

// Fill `element` with `text`, the marked spans wrapped in <mark class="term term-STATUS">.
function highlight(element, text, marks, field) {
  element.replaceChildren();
  let position = 0;
  for (const { start, end, mark } of ranges(text, marks, field)) {
    element.append(document.createTextNode(text.slice(position, start)));
    const span = document.createElement("mark");
    span.className = `term term-${mark.status}`;
    span.dataset.status = mark.status;
    span.title = `${mark.entry || "glossary"}: ${STATUS_LABEL[mark.status] || mark.status}`;
    span.textContent = text.slice(start, end);
    element.append(span);
    position = end;
  }
  element.append(document.createTextNode(text.slice(position)));
}

function sourceMarks(unit) {
  // The Dutch side shows each required term as applied or unmet; forbidden ones are target-side.
  return unit.terms.filter(t => t.status !== "forbidden");
}

function fillFindings(list, findings) {
  list.replaceChildren();
  for (const finding of findings) {
    const item = document.createElement("li");
    item.className = finding.severity;
    item.dataset.code = finding.code;
    item.textContent = `${finding.severity} ${finding.code}: ${finding.message}`;
    list.append(item);
  }
}

// --- the document ------------------------------------------------------------------------------

function showTabs() {
  const tabs = $("tabs");
  tabs.replaceChildren();
  for (const lang of Object.keys(state.docs)) {
    const tab = document.createElement("button");
    tab.type = "button";
    tab.textContent = lang;
    tab.dataset.lang = lang;
    tab.setAttribute("role", "tab");
    tab.setAttribute("aria-selected", String(lang === state.current));
    tab.addEventListener("click", () => { state.current = lang; save(); render(); });
    tabs.append(tab);
  }
}

function render() {
  showTabs();
  const doc = state.docs[state.current];
  $("document").hidden = !doc;
  if (!doc) return;
  const body = $("segments").tBodies[0];
  body.replaceChildren();
  doc.units.forEach((unit, index) => body.append(row(unit, index)));
  counts();
}

function row(unit, index) {
  const tr = document.createElement("tr");
  tr.dataset.index = String(index);
  tr.classList.toggle("edited", unit.draft !== unit.original);
  const number = document.createElement("td");
  number.textContent = String(index + 1);
  const source = document.createElement("td");
  source.className = "source";
  const kind = document.createElement("span");
  kind.className = "kind";
  kind.textContent = unit.kind;
  const sourceText = document.createElement("div");
  highlight(sourceText, unit.q, sourceMarks(unit), "source_text");
  source.append(kind, sourceText);

  const target = document.createElement("td");
  target.className = "target";
  const editor = document.createElement("textarea");
  editor.value = unit.draft;
  editor.setAttribute("aria-label", `Translation of segment ${index + 1}`);
  editor.rows = Math.min(8, Math.max(2, Math.ceil(unit.draft.length / 70)));
  const preview = document.createElement("div");
  preview.className = "preview";
  highlight(preview, unit.draft, unit.terms, "target_text");
  const findings = document.createElement("ul");
  findings.className = "findings";
  fillFindings(findings, unit.findings);
  editor.addEventListener("input", () => edited(index, editor.value, tr));
  target.append(editor, preview, findings);
  tr.append(number, source, target);
  return tr;
}

function counts() {
  const doc = state.docs[state.current];
  const findings = doc.units.reduce((n, u) => n + u.findings.length, 0);
  const edited = doc.units.filter(u => u.draft !== u.original).length;
  $("counts").textContent = `${doc.units.length} segments, ${edited} edited, ${findings} findings`;
}

function edited(index, value, tr) {
  const lang = state.current;
  const unit = state.docs[lang].units[index];
  unit.draft = value;
  tr.classList.toggle("edited", unit.draft !== unit.original);
  save(); // kept at once; the check follows when the typing pauses
  const key = `${lang}:${index}`;
  clearTimeout(timers.get(key));
  timers.set(key, setTimeout(() => recheck(lang, index), CHECK_DELAY_MS));
}

async function recheck(lang, index) {
  const unit = state.docs[lang].units[index];
  const sent = unit.draft;
  try {
    const answer = await api("/check", {
      target: lang,
      segments: [{ q: unit.q, translation: sent, kind: unit.kind, protected: unit.protected, line: unit.line }],
    });
    if (unit.draft !== sent) return; // typed on meanwhile: the next check answers
    Object.assign(unit, answer.segments[0]);
    save();
    if (state.current !== lang) return;
    const tr = $("segments").tBodies[0].rows[index];
    highlight(tr.querySelector(".preview"), unit.draft, unit.terms, "target_text");
    highlight(tr.querySelector(".source div"), unit.q, sourceMarks(unit), "source_text");
    fillFindings(tr.querySelector(".findings"), unit.findings);
    tr.dataset.checked = String(Date.now());
    counts();
  } catch (error) {
    status(`Check failed: ${error.message}`, true);
  }
}

// --- translating and downloading ---------------------------------------------------------------

async function translate() {
  const release = $("release").value;
  if (!release.trim()) { status("Paste or upload a Dutch release first.", true); return; }
  const langs = [...document.querySelectorAll("#languages input:checked")].map(box => box.value);
  if (!langs.length) { status("Choose at least one language.", true); return; }
  const edits = Object.values(state.docs).some(d => d.units.some(u => u.draft !== u.original));
  if (edits && state.release === release && !confirm("Translate again and drop your edits?")) return;
  const format = $("format").value;
  $("translate").disabled = true;
  status(`Translating into ${langs.join(", ")}…`);
  try {
    const docs = {};
    for (const lang of langs) {
      const answer = await api("/draft", { q: release, format, target: lang });
      docs[lang] = { units: answer.units.map(u => ({ ...u, original: u.draft })) };
    }
    state = { ...state, release, format, langs, docs, current: langs[0] };
    save();
    render();
    const units = docs[langs[0]].units.length;
    status(`Translated ${units} segments into ${langs.join(", ")}.`);
  } catch (error) {
    status(`Translation failed: ${error.message}`, true);
  } finally {
    $("translate").disabled = false;
  }
}

function outputName(lang) {
  const name = state.filename || `release.nl${EXTENSIONS[state.format]}`;
  const dot = name.lastIndexOf(".");
  let stem = dot > 0 ? name.slice(0, dot) : name;
  const ext = dot > 0 ? name.slice(dot) : EXTENSIONS[state.format];
  if (stem.toLowerCase().endsWith(".nl")) stem = stem.slice(0, -3);
  return `${stem}.${lang}${ext}`;
}

async function download() {
  const lang = state.current;
  const doc = state.docs[lang];
  try {
    const answer = await api("/render", {
      q: state.release,
      format: state.format,
      translations: doc.units.map(u => u.draft),
    });
    const type = { text: "text/plain", markdown: "text/markdown", html: "text/html" }[state.format];
    const blob = new Blob([answer.translatedText], { type: `${type};charset=utf-8` });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = outputName(lang);
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
    status(`Downloaded ${link.download}.`);
  } catch (error) {
    status(`Download failed: ${error.message}`, true);
  }
}

function upload(event) {
  const file = event.target.files[0];
  if (!file) return;
  const reader = new FileReader();
  reader.onload = () => {
    $("release").value = reader.result;
    const ext = file.name.split(".").pop().toLowerCase();
    if (FORMAT_OF[ext]) $("format").value = FORMAT_OF[ext];
    state.filename = file.name;
    state.typed = reader.result;
    state.typedFormat = $("format").value;
    save();
    status(`Read ${file.name}.`);
  };
  reader.onerror = () => status(`Cannot read ${file.name}.`, true);
  reader.readAsText(file);
}

async function languages() {
  let listed = [];
  try {
    listed = await (await fetch("/languages")).json();
    const settings = await (await fetch("/frontend/settings")).json();
    $("key-label").hidden = !settings.keyRequired;
  } catch (error) {
    status(`Cannot reach the server: ${error.message}`, true);
    return;
  }
  const dutch = listed.find(l => l.code === "nl");
  const box = $("languages");
  const chosen = state.langs.length ? state.langs : dutch.targets;
  for (const code of dutch.targets) {
    const label = document.createElement("label");
    const input = document.createElement("input");
    input.type = "checkbox";
    input.value = code;
    input.checked = chosen.includes(code);
    const name = (listed.find(l => l.code === code) || {}).name || code;
    label.append(input, document.createTextNode(` ${name}`));
    box.append(label);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  // What was typed but not yet translated is kept too.
  $("release").value = state.typed ?? state.release;
  $("format").value = state.typedFormat ?? state.format;
  $("release").addEventListener("input", () => { state.typed = $("release").value; save(); });
  $("format").addEventListener("change", () => { state.typedFormat = $("format").value; save(); });
  $("upload").addEventListener("change", upload);
  $("translate").addEventListener("click", translate);
  $("download").addEventListener("click", download);
  languages();
  render();
});

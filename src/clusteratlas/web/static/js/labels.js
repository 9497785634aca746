/* clusteratlas map page: place names on the base map as you zoom in: prefectures from zoom 6, counties from zoom 7.5,
 * towns (with a dot) from zoom 9.5. Names and points are the gazetteer's own, from /api/v1/places/labels (this server; nothing
 * from outside). Requests are for grid-aligned boxes, so panning reuses answers; labels that would overlap are
 * dropped, the coarser level and the more prominent place first.
 */

import { h, state } from "./dom.js";
import { API, getJSON, qs } from "./api.js";
import { map } from "./map.js";

var layer = null, timer = null, seq = 0, cache = {};
var BANDS = [9.5, 7.5, 6];           // the zoom where each level set starts (see clusteratlas.web._labels)
var GRID = { 6: 4, 7.5: 1, 9.5: 0.25 }; // degrees: boxes asked for are multiples of this
var MAX_DRAWN = 140;           // labels drawn at most (the page stays light and readable)
var EN_SUFFIX = / (City|County|District|Town|Township|Subdistrict|Autonomous County|Autonomous Prefecture|Prefecture|Banner|Area|New Area|Sub-district)$/;

function band(zoom) {
  for (var i = 0; i < BANDS.length; i++) if (zoom >= BANDS[i]) return BANDS[i];
  return null;
}

function initLabels() {
  if (!state.about || !state.about.features || !state.about.features.labels) return;
  layer = L.layerGroup().addTo(map);
  map.on("moveend", schedule);
  schedule();
}

function schedule() { clearTimeout(timer); timer = setTimeout(update, 150); }

function update() {
  var z = map.getZoom(), b = band(z), mine = ++seq;
  if (b === null) { layer.clearLayers(); document.body.removeAttribute("data-labels"); return; }
  var g = GRID[b], bounds = map.getBounds();
  var box = [Math.floor(bounds.getWest() / g) * g, Math.floor(bounds.getSouth() / g) * g,
             Math.ceil(bounds.getEast() / g) * g, Math.ceil(bounds.getNorth() / g) * g]
    .map(function (v) { return Math.round(v * 100) / 100; });
  box = [Math.max(box[0], 73), Math.max(box[1], 3), Math.min(box[2], 136), Math.min(box[3], 54)];
  if (box[0] >= box[2] || box[1] >= box[3]) { layer.clearLayers(); return; }
  var url = API + "/places/labels?" + qs({ bbox: box.join(","), zoom: b });
  var got = cache[url] ? Promise.resolve(cache[url]) : getJSON(url).then(function (body) { cache[url] = body; return body; });
  got.then(function (body) { if (mine === seq) draw(body.items); }, function () { /* labels are optional */ });
}

function labelText(p) {
  if (state.lang === "zh") return p.name_zh;
  return p.level === "township" ? p.name_en : p.name_en.replace(EN_SUFFIX, "");
}

// Greedy placement in screen space: skip a label whose box meets one already placed.
// Boxes (container pixels) of what labels must not cover: the markers, cluster bubbles and market pins, the legend.
function obstacles() {
  var root = map.getContainer().getBoundingClientRect(), out = [];
  document.querySelectorAll(".leaflet-marker-pane .cl-marker, .leaflet-marker-pane .mc-icon, .leaflet-marker-pane .mk-marker")
    .forEach(function (el) {
      var r = el.getBoundingClientRect();
      out.push([r.left - root.left - 3, r.top - root.top - 3, r.right - root.left + 3, r.bottom - root.top + 3]);
    });
  return out;
}

function draw(items) {
  layer.clearLayers();
  var size = map.getSize(), placed = obstacles(), n = 0;
  var fs = { prefecture: 13, county: 11.5, township: 10.5 };
  items.forEach(function (p) {
    if (n >= MAX_DRAWN) return;
    var pt = map.latLngToContainerPoint([p.lat, p.lon]);
    if (pt.x < 0 || pt.y < 0 || pt.x > size.x || pt.y > size.y) return;
    var text = labelText(p), f = fs[p.level] || 11;
    var w = text.length * f * (state.lang === "zh" ? 1.05 : 0.58) + 8, hgt = f + 6;
    var x0 = p.level === "township" ? pt.x + 3 : pt.x - w / 2, y0 = pt.y - hgt / 2;
    var pad = p.level === "township" ? 8 : 4;
    var box = [x0 - pad, y0 - pad, x0 + w + pad, y0 + hgt + pad];
    for (var i = 0; i < placed.length; i++) {
      var q = placed[i];
      if (box[0] < q[2] && box[2] > q[0] && box[1] < q[3] && box[3] > q[1]) return;
    }
    placed.push(box);
    n++;
    var el = h("span", { "class": "pl-text", "data-adcode": p.adcode, lang: state.lang === "zh" ? "zh-Hans" : "en" }, text);
    L.marker([p.lat, p.lon], {
      pane: "labels", interactive: false, keyboard: false,
      icon: L.divIcon({ className: "pl-label lvl-" + p.level, html: el, iconSize: null })
    }).addTo(layer);
  });
  document.body.setAttribute("data-labels", String(n));
}

function relabel() { if (layer) update(); }

export { initLabels, relabel };

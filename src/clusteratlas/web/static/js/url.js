/* clusteratlas map page: the view in the URL. Everything that makes the view is in the address's fragment, so a copied
 * address opens the same view in another browser:
 *
 *   #lang=zh&q=wig&group=…&industry=wigs&view=cluster&cluster=xuchang-wigs&compare=a,b&markets=0&map=7.25/34.0312/113.8521
 *
 * view: results | cluster | compare (of the industry) | set (the compare set) | place | market | about | share | trip;
 * map: zoom/lat/lon (WGS-84 degrees). Old links (#cluster=ID) still work. The address is rewritten in place
 * (history.replaceState) whenever the view changes; nothing is sent anywhere.
 */

import { state } from "./dom.js";
import { map } from "./map.js";

var timer = null, lastWritten = null;

// Commas and slashes are left readable; everything else is percent-encoded.
function enc(v) { return encodeURIComponent(v).replace(/%2C/g, ",").replace(/%2F/g, "/"); }

function round(x, n) { var f = Math.pow(10, n); return Math.round(x * f) / f; }

// The map position as zoom/lat/lon. The centre Leaflet reports can differ from the one set by half a pixel (the
// view is pixel-aligned), so a position within a pixel of the last one written keeps its numbers: a restored URL
// is written back unchanged.
var lastMap = null;

function rememberMap(zoom, lat, lon) {
  lastMap = { zoom: zoom, lat: lat, lon: lon, str: [round(zoom, 2), lat.toFixed(4), lon.toFixed(4)].join("/") };
}

function mapParam() {
  var z = map.getZoom(), c = map.getCenter();
  if (lastMap && lastMap.zoom === z) {
    var a = map.latLngToContainerPoint([lastMap.lat, lastMap.lon]), b = map.latLngToContainerPoint(c);
    if (Math.abs(a.x - b.x) <= 1 && Math.abs(a.y - b.y) <= 1) return lastMap.str;
  }
  rememberMap(z, Number(c.lat.toFixed(4)), Number(c.lng.toFixed(4)));
  return lastMap.str;
}

// The fragment describing the current view (without "#").
function viewFragment(withMap) {
  var parts = [];
  function add(k, v) { if (v !== null && v !== undefined && v !== "") parts.push(k + "=" + enc(v)); }
  add("lang", state.lang);
  add("q", state.query);
  add("group", document.getElementById("group").value);
  add("industry", document.getElementById("industry").value);
  var p = state.panel && state.panel.kind === "share" ? state.beforeShare : state.panel;
  if (p && p.kind !== "error") {
    add("view", p.kind);
    if (p.kind === "cluster") add("cluster", p.id);
    else if (p.kind === "market") add("market", p.id);
    else if (p.kind === "place") add("place", p.id);
  }
  if (state.compare.length) add("compare", state.compare.join(","));
  if (!state.showMarkets) add("markets", "0");
  if (state.trip) {
    Object.keys(state.trip).forEach(function (k) { add("trip_" + k, state.trip[k]); });
  }
  if (withMap !== false) add("map", mapParam());
  return parts.join("&");
}

// Rewrite the address for the current view (soon, once: many changes in a row give one write).
function writeUrl() {
  if (state.restoring) return;
  clearTimeout(timer);
  timer = setTimeout(writeNow, 80);
}

function writeNow() {
  clearTimeout(timer);
  if (state.restoring) return;
  var frag = "#" + viewFragment();
  lastWritten = frag;
  if (frag !== location.hash) history.replaceState(null, "", location.pathname + location.search + frag);
}

// The fragment of an address as {key: value}; map as {zoom, lat, lon} when valid.
function readUrl(hash) {
  var out = {};
  String(hash || "").replace(/^#/, "").split("&").forEach(function (kv) {
    if (!kv) return;
    var i = kv.indexOf("="), k = i < 0 ? kv : kv.slice(0, i), v = i < 0 ? "" : kv.slice(i + 1);
    try { out[decodeURIComponent(k)] = decodeURIComponent(v.replace(/\+/g, " ")); } catch (e) { /* a broken escape: skip */ }
  });
  if (out.map) {
    var m = out.map.split("/").map(Number);
    out.map = m.length === 3 && m.every(isFinite) && m[1] >= -85 && m[1] <= 85 && m[2] >= -180 && m[2] <= 180
      ? { zoom: m[0], lat: m[1], lon: m[2] } : null;
  }
  if (!out.view && out.cluster) out.view = "cluster";  // old links: #cluster=ID
  var trip = {};
  Object.keys(out).forEach(function (k) { if (k.indexOf("trip_") === 0) trip[k.slice(5)] = out[k]; });
  out.trip = Object.keys(trip).length ? trip : null;
  return out;
}

function isOwnWrite() { return location.hash === lastWritten; }

export { isOwnWrite, readUrl, rememberMap, viewFragment, writeNow, writeUrl };

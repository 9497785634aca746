/* clusteratlas map page: the Trip view: a sourcing trip planned by the server (/api/v1/plan) and drawn on the map:
 * numbered stops, legs coloured by mode (a flight dashed, through its airports), the itinerary in the panel with
 * every estimate marked as one, and downloads of the plan (GeoJSON, calendar). The request is part of the URL.
 */

import { h, isPhone, kindLabel, nameNode, names, outsideLink, state, t } from "./dom.js";
import { API, getJSON, qs } from "./api.js";
import { canMove, fitTo, map } from "./map.js";
import { showMarket } from "./markets.js";
import { openPanel, showCluster } from "./panel.js";
import { writeUrl } from "./url.js";

var layer = null;
var FIELDS = ["items", "from", "to", "start", "days", "tier", "modes"];
var MODES = ["drive", "rail", "flight"];

// The request as API parameters (empty ones left out).
function params(req) {
  var out = {};
  FIELDS.forEach(function (k) { if (req[k] !== undefined && req[k] !== null && String(req[k]).trim() !== "") out[k] = String(req[k]).trim(); });
  return out;
}

function showTrip(req, opts) {
  opts = opts || {};
  var suggested = !req && !state.trip;
  req = req || state.trip || suggestedRequest();
  if (suggested) opts = Object.assign({}, opts, { plan: false });
  state.panel = { kind: "trip", id: "trip" };
  var form = tripForm(req);
  var result = h("div", { "class": "trip-result", id: "trip-result" });
  openPanel("trip", h("article", { "class": "trip" }, h("h2", null, t("trip_title")), form, result));
  if (state.trip && state.tripPlan && sameRequest(req, state.trip)) { renderPlan(state.tripPlan, result); return Promise.resolve(); }
  if (opts.plan !== false && req.items && req.from) return planTrip(req, opts);
  return Promise.resolve();
}

function sameRequest(a, b) { return JSON.stringify(params(a)) === JSON.stringify(params(b)); }

// A first request from what the user is looking at: the compare set, else the search, else an example.
function suggestedRequest() {
  var items = state.compare.length ? state.compare.join(", ") : (state.query || "socks, wigs, eyeglasses");
  return { items: items, from: state.lang === "zh" ? "上海" : "Shanghai", days: "4", modes: MODES.join(",") };
}

function tripForm(req) {
  function input(name, type, value, attrs) {
    var el = h("input", Object.assign({ id: "trip-" + name, name: name, type: type, autocomplete: "off", spellcheck: "false" }, attrs || {}));
    el.value = value || "";
    return el;
  }
  var items = input("items", "text", req.items, { maxlength: 800 });
  var from = input("from", "text", req.from, { maxlength: 200 });
  var to = input("to", "text", req.to, { maxlength: 200, placeholder: t("trip_to_hint") });
  var start = input("start", "date", req.start);
  var days = input("days", "number", req.days, { maxlength: 2 });
  days.setAttribute("min", "1"); days.setAttribute("max", "60");
  var tier = h("select", { id: "trip-tier", name: "tier" },
    h("option", { value: "" }, t("tier_any")), h("option", { value: "cheap" }, t("tier_cheap")),
    h("option", { value: "high quality" }, t("tier_quality")));
  tier.value = req.tier || "";
  var chosen = (req.modes || MODES.join(",")).split(",");
  var modes = h("div", { "class": "trip-modes" }, MODES.map(function (m) {
    var box = h("input", { type: "checkbox", name: "mode", value: m, id: "trip-mode-" + m });
    box.checked = chosen.indexOf(m) >= 0;
    return h("label", { "for": "trip-mode-" + m }, box, " ", t("mode_" + m));
  }));
  var msg = h("p", { "class": "error trip-msg", role: "alert" });
  var go = h("button", { type: "submit", "class": "act-btn on", id: "trip-go" }, t("plan_btn"));
  var form = h("form", { "class": "trip-form", id: "trip-form" },
    h("label", { "class": "fix-label", "for": "trip-items" }, t("trip_items"), items),
    h("div", { "class": "trip-row" },
      h("label", { "class": "fix-label", "for": "trip-from" }, t("trip_from"), from),
      h("label", { "class": "fix-label", "for": "trip-to" }, t("trip_to"), to)),
    h("div", { "class": "trip-row" },
      h("label", { "class": "fix-label", "for": "trip-start" }, t("trip_start"), start),
      h("label", { "class": "fix-label", "for": "trip-days" }, t("trip_days"), days),
      h("label", { "class": "fix-label", "for": "trip-tier" }, t("trip_tier"), tier)),
    h("div", { "class": "fix-label" }, t("trip_modes"), modes),
    msg, h("p", null, go, " ", h("span", { "class": "muted" }, t("trip_hint"))));
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var m = Array.prototype.filter.call(form.querySelectorAll('input[name="mode"]'), function (b) { return b.checked; })
      .map(function (b) { return b.value; });
    var req2 = { items: items.value, from: from.value, to: to.value, start: start.value, days: days.value, tier: tier.value,
                 modes: m.join(",") };
    if (!req2.items.trim() || !req2.from.trim()) { msg.textContent = t("trip_need"); return; }
    planTrip(req2);
  });
  return form;
}

function planTrip(req, opts) {
  opts = opts || {};
  var box = document.getElementById("trip-result"), msg = document.querySelector(".trip-msg");
  if (msg) msg.textContent = "";
  if (box) { box.textContent = ""; box.appendChild(h("p", { "class": "muted" }, t("planning"))); }
  return getJSON(API + "/plan?" + qs(params(req))).then(function (plan) {
    state.trip = params(req);
    state.tripPlan = plan;
    drawTrip(plan, opts.move !== false && canMove());
    var result = document.getElementById("trip-result");
    if (result && state.panel && state.panel.kind === "trip") {
      renderPlan(plan, result);
      if (isPhone()) document.getElementById("panel").scrollTop = result.offsetTop - 8;  // the sheet shows the plan
    }
    writeUrl();
  }).catch(function (e) {
    var m = document.querySelector(".trip-msg"), result = document.getElementById("trip-result");
    if (result) result.textContent = "";
    if (m) m.textContent = e.message;
  });
}

function clearTrip() {
  state.trip = null; state.tripPlan = null;
  if (layer) layer.clearLayers();
  document.body.classList.remove("trip-on");
  var result = document.getElementById("trip-result");
  if (result) result.textContent = "";
  writeUrl();
}

// -- the map --------------------------------------------------------------------------------------------
function drawTrip(plan, move) {
  if (!layer) layer = L.layerGroup().addTo(map);
  layer.clearLayers();
  document.body.classList.add("trip-on");  // the other markers step back
  var pts = [];
  plan.legs.forEach(function (leg) {
    var latlngs = (leg.path || []).map(function (p) { return [p[1], p[0]]; });  // [lon, lat] → Leaflet's [lat, lon]
    if (latlngs.length < 2) return;
    latlngs.forEach(function (p) { pts.push(p); });
    var line = L.polyline(latlngs, { className: "trip-leg mode-" + leg.mode, weight: 4, opacity: 0.85,
                                     dashArray: leg.mode === "flight" ? "8 8" : null, interactive: true });
    line.bindTooltip(function () { return legLine(leg); }, { sticky: true });
    line.on("add", function () { var el = line.getElement(); if (el) { el.setAttribute("data-leg", String(leg.n)); el.setAttribute("data-mode", leg.mode); } });
    layer.addLayer(line);
  });
  function pin(p, label, cls, n) {
    var m = L.marker([p.lat, p.lon], { icon: L.divIcon({ className: "trip-pin " + cls, html: h("span", null, label), iconSize: [24, 24] }),
                                       zIndexOffset: 800, keyboard: false });
    m.on("add", function () { var el = m.getElement(); if (el) el.setAttribute("data-stop", String(n)); });
    m.bindTooltip(function () { return nameNode(p, "name", "name_zh", "span"); }, { direction: "top", offset: [0, -12] });
    layer.addLayer(m);
    pts.push([p.lat, p.lon]);
  }
  pin(plan.start, "S", "trip-start", 0);
  plan.stops.forEach(function (s) { pin(s, String(s.n), "trip-stop", s.n); });
  if (plan.end) pin(plan.end, "E", "trip-end", plan.stops.length + 1);
  if (move && pts.length) fitTo(pts, 8);
}

// -- the itinerary --------------------------------------------------------------------------------------
function when(x) {
  if (!x) return "";
  var day = state.lang === "zh" ? "第 " + x.day + " 天" : "day " + x.day;
  return (x.date ? x.date + " (" + day + ")" : day) + " " + (x.time || "");
}

function hours(x) { return (Math.round(x * 10) / 10) + (state.lang === "zh" ? " 小时" : " h"); }
function km(x) { return Math.round(x) + (state.lang === "zh" ? " 公里" : " km"); }

function legLine(leg) {
  var e = leg.estimate || {};
  return h("span", { "class": "leg-line" }, h("strong", null, t("mode_" + leg.mode)), " · ",
    km(leg.great_circle_km), " ", t("great_circle"), " · ",
    h("span", { "class": "est" }, t("est"), " ", km(e.distance_km), ", ", hours(e.hours)));
}

function renderPlan(plan, box) {
  box.textContent = "";
  var tot = plan.totals, sch = plan.schedule;
  box.appendChild(h("div", { "class": "trip-summary", "data-stops": String(tot.stops) },
    h("strong", null, String(tot.stops), " ", t("stops_n")), " · ", String(sch.days), " ", t("days_n"), " · ",
    km(tot.great_circle_km), " ", t("great_circle"), " · ",
    h("span", { "class": "est" }, t("est"), " ", km(tot.distance_km_est), ", ", hours(tot.hours_est))));
  var dl = h("p", { "class": "downloads" },
    h("a", { href: API + "/plan?" + qs(Object.assign({}, state.trip, { format: "geojson" })), "class": "act-btn", download: "trip.geojson" }, "GeoJSON"),
    plan.schedule.start_date ? h("a", { href: API + "/plan?" + qs(Object.assign({}, state.trip, { format: "ics" })), "class": "act-btn trip-ics",
                                        download: "trip.ics" }, t("calendar")) : null,
    h("button", { type: "button", "class": "act-btn", onclick: clearTrip }, t("clear_trip")));
  box.appendChild(dl);
  var rows = [placeRow(plan.start, "S", t("trip_from"), null)];
  plan.stops.forEach(function (s, i) {
    var leg = plan.legs[i];
    if (leg) rows.push(legRow(leg));
    rows.push(stopRow(s));
  });
  if (plan.end) {
    var last = plan.legs[plan.stops.length];
    if (last) rows.push(legRow(last));
    rows.push(placeRow(plan.end, "E", t("trip_to"), last ? last.arrive : null));
  }
  box.appendChild(h("ol", { "class": "itinerary" }, rows));
  if (plan.left_out && plan.left_out.length) {
    box.appendChild(h("section", { "class": "left-out" }, h("h3", null, t("left_out")), h("ul", { "class": "items" }, plan.left_out.map(function (x) {
      return h("li", null, h("strong", null, x.item || x.cluster_id || ""), ": ", h("span", { lang: "en" }, x.reason || ""));
    }))));
  }
  var notes = (plan.notes || []).concat([plan.estimates_note]);
  box.appendChild(h("section", { "class": "trip-notes" }, h("h3", null, t("notes_label")), h("ul", { "class": "items" },
    notes.map(function (n) { return h("li", { lang: "en" }, n); }))));
}

function placeRow(p, mark, label, arrive) {
  return h("li", { "class": "it-place", "data-stop": mark },
    h("span", { "class": "trip-pin inline " + (mark === "S" ? "trip-start" : "trip-end") }, h("span", null, mark)),
    h("strong", null, names(p, "name", "name_zh")[0]), " ", h("span", { "class": "muted" }, label),
    arrive ? h("div", { "class": "muted" }, t("arrive"), ": ", when(arrive)) : null,
    airportLine(p.airport));
}

function airportLine(a) {
  if (!a) return null;
  return h("div", { "class": "muted airport" }, "✈ ", a.iata || a.icao || "", " ", h("span", { lang: "en" }, a.name), " · ", km(a.distance_km));
}

function legRow(leg) {
  return h("li", { "class": "it-leg mode-" + leg.mode, "data-leg": String(leg.n) },
    legLine(leg), h("div", { "class": "muted" }, when(leg.depart), " → ", when(leg.arrive)));
}

function stopRow(s) {
  return h("li", { "class": "it-stop", "data-stop": String(s.n) },
    h("span", { "class": "trip-pin inline trip-stop" }, h("span", null, String(s.n))),
    h("strong", null, names(s, "name", "name_zh")[0]),
    h("div", { "class": "muted" }, t("arrive"), ": ", when(s.arrive), " · ", t("visit"), ": ", when(s.visit.start), " – ", when(s.visit.end)),
    h("ul", { "class": "plain stop-clusters" }, s.clusters.map(function (c) {
      return h("li", null, h("span", { "class": "dot ind-" + (state.colour[c.industry] || 0) }),
        h("button", { type: "button", "class": "link-btn", "data-cluster-id": c.cluster_id, onclick: function () { showCluster(c.cluster_id); } },
          names(c, "name", "name_zh")[0]), " ", h("span", { "class": "muted" }, "(", c.items.join(", "), ")"));
    })),
    s.markets.length ? h("div", { "class": "stop-markets" }, t("markets"), ": ", s.markets.map(function (m, i) {
      return [i ? "; " : "", m.id && state.marketMarkers[m.id]
        ? h("button", { type: "button", "class": "link-btn", onclick: function () { showMarket(m.id); } }, names(m, "name", "name_zh")[0])
        : names(m, "name", "name_zh")[0],
        " (", kindLabel(m.kind), m.opening_hours ? [", ", h("span", { lang: "en" }, m.opening_hours)] : null, ")"];
    })) : null,
    s.fairs.length ? h("div", { "class": "stop-fairs" }, t("fairs_during"), ": ", s.fairs.map(function (f, i) {
      return [i ? "; " : "", names(f, "name", "name_zh")[0], " ", f.start, " – ", f.end, f.during_visit ? [" ", h("span", { "class": "badge" }, t("during_visit"))] : null];
    })) : null,
    airportLine(s.airport),
    (s.leads || []).length ? h("div", { "class": "stop-leads" }, t("leads_short"), ": ", s.leads[0].links.map(function (l, i) {
      return [i ? " · " : "", outsideLink(l.url, l.site_name, "lead-link")];
    })) : null);
}

function tripRequestFromUrl(trip) {
  var req = {};
  FIELDS.forEach(function (k) { if (trip[k]) req[k] = trip[k]; });
  return req;
}

// The trip of a restored URL: plan and draw it; open the panel when the view was the trip.
function restoreTrip(trip, open, move) {
  var req = tripRequestFromUrl(trip);
  if (!req.items || !req.from) return Promise.resolve();
  if (open) return showTrip(req, { move: move });
  return planTrip(req, { move: move });
}

export { clearTrip, drawTrip, restoreTrip, showTrip };

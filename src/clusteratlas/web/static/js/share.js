/* clusteratlas map page: sharing: the link to the view, downloads of the clusters shown, the embed snippet, the About
 * panel (licences, how to cite, data version) and "suggest a correction" (a YAML patch made in the page: nothing is
 * sent anywhere; the user copies or downloads it).
 */

import { h, names, outsideLink, state, t } from "./dom.js";
import { API, qs } from "./api.js";
import { openPanel } from "./panel.js";
import { viewFragment, writeNow } from "./url.js";

// -- copying and saving text --------------------------------------------------------------------------
function copyText(text, button) {
  function done() { if (button) { button.textContent = t("copied"); setTimeout(function () { button.textContent = t("copy"); }, 1500); } }
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done, function () { legacyCopy(text); done(); });
  } else { legacyCopy(text); done(); }
}

function legacyCopy(text) {
  var ta = h("textarea", { "class": "offscreen", readonly: "readonly" });
  ta.value = text;
  document.body.appendChild(ta);
  ta.select();
  try { document.execCommand("copy"); } catch (e) { /* the user can still select the text */ }
  ta.remove();
}

function saveText(text, filename, type) {
  var url = URL.createObjectURL(new Blob([text], { type: type || "text/plain;charset=utf-8" }));
  var a = document.createElement("a");
  a.setAttribute("href", url);
  a.setAttribute("download", filename);
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
}

function copyBox(value, rows, id) {
  var ta = h(rows > 1 ? "textarea" : "input", { "class": "copy-box", id: id, readonly: "readonly", rows: rows > 1 ? rows : null,
                                                spellcheck: "false" });
  ta.value = value;
  ta.addEventListener("focus", function () { ta.select(); });
  var btn = h("button", { type: "button", "class": "act-btn", "data-copy": id }, t("copy"));
  btn.addEventListener("click", function () { copyText(ta.value, btn); });
  return h("div", { "class": "copy-row" }, ta, btn);
}

// -- downloads ----------------------------------------------------------------------------------------
// The export address of what the map shows: the search results (their ids), an industry, a group, or everything.
function selectionParams() {
  if (state.visible) {
    var ids = (state.shown || []).slice();
    if (ids.length <= 120) return { ids: ids.join(",") };
    return { q: state.query };
  }
  var ind = document.getElementById("industry").value, grp = document.getElementById("group").value;
  if (ind) return { industry: ind };
  if (grp) return { group: grp };
  return {};
}

function exportHref(fmt, params) {
  var q = qs(params || {});
  return API + "/export." + fmt + (q ? "?" + q : "");
}

function downloadLinks(params, cls) {
  return h("p", { "class": "downloads " + (cls || "") },
    h("a", { href: exportHref("geojson", params), "class": "act-btn dl-geojson", download: "" }, "GeoJSON"), " ",
    h("a", { href: exportHref("csv", params), "class": "act-btn dl-csv", download: "" }, "CSV"));
}

// -- share panel --------------------------------------------------------------------------------------
function showShare() {
  // the link and the embed show the view under the share panel, not the share panel itself
  if (!state.panel || state.panel.kind !== "share") state.beforeShare = state.panel;
  state.panel = { kind: "share", id: "share" };
  writeNow();
  var frag = viewFragment();
  var link = location.origin + location.pathname + "#" + frag;
  var embed = '<iframe src="' + location.origin + '/?embed=1#' + frag + '" width="100%" height="520" style="border:0" ' +
    'loading="lazy" title="clusteratlas: ' + (state.lang === "zh" ? "中国产业带地图" : "map of China's industrial clusters") + '"></iframe>';
  var params = selectionParams();
  var n = (state.shown || []).length;
  openPanel("share", h("article", { "class": "share" },
    h("h2", null, t("share_title")),
    h("h3", null, t("link")), copyBox(link, 1, "share-link"),
    h("h3", null, t("download")),
    h("p", { "class": "muted" }, String(n), " ", t("selection_size")),
    downloadLinks(params, "dl-selection"),
    h("h3", null, t("download_all")), downloadLinks({}, "dl-all"),
    h("h3", null, t("embed")), h("p", { "class": "muted" }, t("embed_note")), copyBox(embed, 3, "embed-code"),
    licenceLine()));
}

// -- about ----------------------------------------------------------------------------------------------
function licenceLine() {
  var a = state.about || {};
  var lic = (a.licence && a.licence.data) || { name: "CC BY 4.0" };
  var code = (a.licence && a.licence.code) || { name: "MIT" };
  return h("p", { "class": "licence-line" },
    t("data_licence"), ": ", outsideLink(lic.url, lic.name, "licence-data"), ", ", t("cite_as"), " ",
    h("span", { "class": "cite", lang: "en" }, a.cite_as || "…"), " · ",
    t("code_licence"), ": ", outsideLink(code.url, code.name, "licence-code"));
}

function showAbout() {
  state.panel = { kind: "about", id: "about" };
  var a = state.about || {};
  var counts = a.counts || {};
  openPanel("about", h("article", { "class": "about" },
    h("h2", null, t("about_title")),
    h("p", { "class": "description" }, t("about_text")),
    h("table", { "class": "facts" },
      h("tr", null, h("th", null, t("counts")), h("td", null,
        [counts.clusters + " " + t("n_clusters"), counts.industries + " " + t("n_industries"),
         counts.markets + " " + t("n_markets"), counts.sources + " " + t("n_sources")].join(" · "))),
      h("tr", null, h("th", null, t("version")), h("td", { "class": "version" }, a.version || "…")),
      h("tr", null, h("th", null, t("data_version")), h("td", { "class": "data-version" }, a.data_version || "…")),
      h("tr", null, h("th", null, t("build_date")), h("td", { "class": "build-date" }, a.build_date || "…"))),
    h("h3", null, t("how_to_cite")), licenceLine(), copyBox(a.cite_as || "", 3, "cite-text"),
    h("h3", null, t("open_data")), h("p", null, t("open_data_text"), " ",
      h("code", { "class": "open-data" }, a.open_data || "clusteratlas export --format sqlite --out clusteratlas.db")),
    h("h3", null, t("credits")), h("ul", { "class": "items" }, (a.credits || []).map(function (c) {
      return h("li", null, c.what, ": ", c.source, " (", c.licence, ")");
    })),
    h("h3", null, "API"), h("p", null, h("a", { href: "/api/v1/openapi.json" }, t("api_docs")), " · ",
      h("a", { href: "/api/v1/about" }, "/api/v1/about"), " · ", h("a", { href: "/api/v1/meta" }, "/api/v1/meta")),
    h("h3", null, t("download_all")), downloadLinks({}, "dl-all")));
}

// -- suggest a correction -------------------------------------------------------------------------------
// A YAML value: strings double-quoted (JSON escapes are valid YAML), lists and maps in block style.
function yaml(value, indent) {
  indent = indent || "";
  if (value === null || value === undefined) return "null";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "string") return JSON.stringify(value);
  var pad = indent + "  ", lines;
  if (Array.isArray(value)) {
    if (!value.length) return "[]";
    lines = value.map(function (v) {
      var inner = yaml(v, pad);
      return pad + "- " + (v && typeof v === "object" && !Array.isArray(v) ? inner.replace(/^\s+/, "") : inner);
    });
    return "\n" + lines.join("\n");
  }
  var keys = Object.keys(value);
  if (!keys.length) return "{}";
  lines = keys.map(function (k) {
    var v = value[k], inner = yaml(v, pad);
    return pad + k + ":" + (inner.charAt(0) === "\n" ? inner : " " + inner);
  });
  return "\n" + lines.join("\n");
}

function yamlDoc(obj) { return yaml(obj, "").replace(/^\n/, "").split("\n").map(function (l) { return l.slice(2); }).join("\n") + "\n"; }

var FIELDS = ["name_en", "name_zh", "description", "description_zh", "role", "cluster_type", "quality_tier", "price_tier",
              "specialties", "export_reach", "place", "other"];

function currentValue(d, f) {
  if (f === "place") return d.place.adcode + " " + d.place.name_zh + " (" + d.place.name + ")";
  if (f === "specialties") return (d.specialties || []).join(", ");
  if (f === "other") return "";
  var v = d[f];
  return v === null || v === undefined ? "" : String(v);
}

// The cluster's editable fields as they are in its data file, with the change applied.
function patchedRecord(d, field, value) {
  var rec = { id: d.cluster_id, industry: d.industry, name_en: d.name_en, name_zh: d.name_zh };
  rec.place = { adcode: d.place.adcode, level: d.place.level, name_zh: d.place.name_zh, name_en: d.place.name,
                lat: d.place.lat, lon: d.place.lon };
  ["role", "cluster_type", "quality_tier", "price_tier", "specialties", "description", "description_zh", "export_reach"]
    .forEach(function (k) { if (d[k] !== undefined && d[k] !== null) rec[k] = d[k]; });
  if (field === "specialties") rec.specialties = value.split(/[,，、]/).map(function (s) { return s.trim(); }).filter(Boolean);
  else if (field === "place") rec.place = { adcode_or_name: value, note: "to be placed with the gazetteer by the maintainers" };
  else if (field !== "other") rec[field] = value === "" && /_tier$/.test(field) ? null : value;
  return rec;
}

function correctionPatch(d, form) {
  var today = new Date().toISOString().slice(0, 10);
  var field = form.field, value = form.value.trim();
  var doc = {
    correction: {
      cluster: d.cluster_id, industry: d.industry, data_file: d.data_file || ("industries/" + d.industry + ".yaml"),
      data_version: (state.about && state.about.data_version) || null, made: today,
      field: field, old: field === "other" ? null : (currentValue(d, field) || null), "new": value,
      source: { url: form.url.trim(), title: form.title.trim() || null, read_at: today },
      note: form.note.trim() || null
    },
    patched: patchedRecord(d, field, value)
  };
  return "# clusteratlas: a suggested correction, made in the map page on " + today + ". Nothing has been sent.\n" +
    "# Send it as an issue or a pull request; a maintainer checks the source before the data changes.\n" + yamlDoc(doc);
}

function correctionForm(d) {
  var sel = h("select", { id: "fix-field", name: "field" }, FIELDS.map(function (f) {
    return h("option", { value: f }, f === "other" ? t("field_other") : f);
  }));
  var now = h("div", { "class": "muted fix-now" });
  var val = h("textarea", { id: "fix-value", name: "value", rows: 3, maxlength: 4000 });
  var url = h("input", { id: "fix-url", name: "url", type: "url", placeholder: "http(s)://…", maxlength: 1000, autocomplete: "off" });
  var title = h("input", { id: "fix-title", name: "title", type: "text", maxlength: 300, autocomplete: "off" });
  var note = h("textarea", { id: "fix-note", name: "note", rows: 2, maxlength: 2000 });
  var msg = h("p", { "class": "error fix-msg", role: "alert" });
  var out = h("div", { "class": "fix-out", hidden: true });
  function showNow() { now.textContent = t("current") + ": " + (currentValue(d, sel.value) || "—"); }
  sel.addEventListener("change", showNow);
  showNow();
  var make = h("button", { type: "button", "class": "act-btn", id: "fix-make" }, t("make_patch"));
  make.addEventListener("click", function () {
    msg.textContent = "";
    if (!val.value.trim()) { msg.textContent = t("need_value"); return; }
    if (!/^https?:\/\/\S+\.\S+/i.test(url.value.trim())) { msg.textContent = t("need_source"); return; }
    var text = correctionPatch(d, { field: sel.value, value: val.value, url: url.value, title: title.value, note: note.value });
    out.textContent = "";
    var dl = h("button", { type: "button", "class": "act-btn", id: "fix-download" }, t("download_yaml"));
    dl.addEventListener("click", function () { saveText(text, "correction-" + d.cluster_id + ".yaml", "application/yaml"); });
    out.appendChild(h("p", { "class": "note" }, t("patch_ready")));
    out.appendChild(copyBox(text, 14, "fix-yaml"));
    out.appendChild(h("p", null, dl));
    out.hidden = false;
  });
  function field(label, input, id) { return h("label", { "class": "fix-label", "for": id }, label, input); }
  return h("details", { "class": "fix" },
    h("summary", null, t("suggest")),
    field(t("field"), sel, "fix-field"), now,
    field(t("new_value"), val, "fix-value"),
    field(t("your_source"), url, "fix-url"),
    field(t("source_title"), title, "fix-title"),
    field(t("note_label"), note, "fix-note"),
    msg, h("p", null, make), out);
}

export { correctionForm, correctionPatch, exportHref, selectionParams, showAbout, showShare, yamlDoc };

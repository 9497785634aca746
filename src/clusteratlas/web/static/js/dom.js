/* clusteratlas map page: state, interface strings and safe DOM building. Every string that comes from the data is put
 * into the page as text (textContent, setAttribute on a fixed set of attributes, http(s)-only links):
 * never as HTML.
 */

import { I18N as T, METRICS } from "./i18n.js";

var CHINA = [[17.5, 73.5], [53.6, 135.1]];
var CHINA_EAST = [[20.0, 100.0], [42.0, 123.0]];  // where most clusters are: the first view on a phone

// A phone-sized screen (the layout of app.css below 800 px: bottom-sheet panel, folded controls).
function isPhone() { return !!(window.matchMedia && window.matchMedia("(max-width: 800px)").matches); }
var PALETTE = 16;  // colour classes ind-0 … ind-15 in app.css


var state = {
  lang: (navigator.language || "en").toLowerCase().indexOf("zh") === 0 ? "zh" : "en",
  industries: [], groups: [], colour: {}, clusters: [], markers: {}, visible: null,
  panel: null, provinceLabels: [],
  query: null,          // the search whose results the map shows (state.visible), or null
  compare: [],          // the compare set: cluster ids, in the order added
  markets: [], marketMarkers: {}, showMarkets: true,
  about: null,          // /api/v1/about (features, licences, data version)
  restoring: true,      // true until the view is rebuilt from the URL, and while it is (the URL is not rewritten)
  lockMap: false,       // true while a URL with a map position is restored: nothing may move the map
  trip: null,           // the trip request shown, or null
  tiles: false          // the online tile layer: off unless the user turns it on
};

function t(key) { return (T[state.lang] && T[state.lang][key]) || T.en[key] || key; }

// -- safe DOM building ------------------------------------------------------------------------------
var SAFE_ATTRS = { "class": 1, "id": 1, "title": 1, "type": 1, "value": 1, "role": 1, "tabindex": 1,
                   "aria-label": 1, "colspan": 1, "lang": 1, "for": 1, "name": 1, "placeholder": 1, "rows": 1,
                   "readonly": 1, "aria-expanded": 1, "aria-controls": 1, "aria-pressed": 1, "required": 1,
                   "maxlength": 1, "spellcheck": 1, "autocomplete": 1, "datetime": 1, "hidden": 1,
                   "aria-hidden": 1, "download": 1 };

function h(tag, attrs) {
  var el = document.createElement(tag);
  if (attrs) {
    Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k.indexOf("data-") === 0 || SAFE_ATTRS[k]) el.setAttribute(k, String(v));
      else if (k === "href") { var u = safeUrl(v); if (u) { el.setAttribute("href", u); } }
      else if (k === "onclick") el.addEventListener("click", v);
      else if (k === "onchange") el.addEventListener("change", v);
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

// An outside link (a source's page, a supplier search): new tab, no referrer, marked as leaving the atlas.
function outsideLink(url, text, cls) {
  var u = /^https?:\/\/[^\s"'<>]+$/i.test(url || "") ? url : null;
  if (!u) return h("span", { "class": cls || null }, text);
  var a = h("a", { href: u, "class": "outside " + (cls || ""), title: u }, text, h("span", { "aria-hidden": "true" }, " ↗"));
  a.setAttribute("target", "_blank");
  a.setAttribute("rel", "noopener noreferrer nofollow");
  return a;
}

// The text of obj[key] in the page's language: obj[key + "_zh"] in 中文 mode when the data has it, else the English
// text marked lang="en" (so a screen reader and the fonts know).
function localText(obj, key, tag, cls) {
  var zh = obj[key + "_zh"], en = obj[key];
  if (state.lang === "zh" && zh) return h(tag || "span", { "class": cls || null, lang: "zh-Hans" }, zh);
  if (!en && zh) return h(tag || "span", { "class": cls || null, lang: "zh-Hans" }, zh);
  return en ? h(tag || "span", { "class": cls || null, lang: "en" }, en) : null;
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
  var pair = METRICS[m];
  if (pair) return state.lang === "zh" ? pair[1] : pair[0];
  return m.replace(/_/g, " ");
}

function typeLabel(v) { var k = "type_" + v; return T[state.lang][k] || T.en[k] || v; }
function setStatus(text) { document.getElementById("status").textContent = text || ""; }

function kindLabel(kind) { return t("kind_" + String(kind || "").replace(/ /g, "_")); }

export { CHINA, CHINA_EAST, PALETTE, isPhone, badge, h, kindLabel, localText, metricLabel, nameNode, names, outsideLink, setStatus, sourceLink,
         state, t, tier, typeLabel };

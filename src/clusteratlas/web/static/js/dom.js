/* clusteratlas map page: state, interface strings and safe DOM building. Every string that comes from the data is put
 * into the page as text (textContent, setAttribute on a fixed set of attributes, http(s)-only links):
 * never as HTML.
 */

import { I18N as T } from "./i18n.js";

var CHINA = [[17.5, 73.5], [53.6, 135.1]];
var PALETTE = 16;  // colour classes ind-0 … ind-15 in app.css


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
function setStatus(text) { document.getElementById("status").textContent = text || ""; }

export { CHINA, PALETTE, badge, h, metricLabel, nameNode, names, setStatus, sourceLink, state, t, tier, typeLabel };

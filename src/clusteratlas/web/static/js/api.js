/* clusteratlas map page: reading the public API (/api/v1).
 */

var API = "/api/v1";

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

export { API, allClusters, getJSON, qs };

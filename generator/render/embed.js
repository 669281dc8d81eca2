// statusgen's status widget (docs/embed.md): a banner while an incident or a maintenance is
// under way, read from the site's summary.json; nothing when all is well.
// It asks only the site it comes from, and sets no cookie.
// The render step fills in WORDS, LANG, ROOT and PAGE, and drops these comments.
(function () {
  "use strict";
  var WORDS = {}, LANG = "en", ROOT = "", PAGE = "";
  var script = document.currentScript;
  if (!script || !window.fetch || !Element.prototype.attachShadow) return;
  var here = new URL(script.src, location.href);
  var root = new URL(ROOT, here);
  var words = WORDS[pick(document.documentElement.lang)] || WORDS[LANG];
  var host = document.createElement("div");
  host.setAttribute("data-statusgen", "");
  var shadow = host.attachShadow({mode: "open"});
  var CSS = ":host{all:initial;display:block}" +
    ".b{--bg:#fff;--fg:#1f2328;--line:#d1d9e0;--link:#0550ae;--none:#4b5d73;--maint:#1f5fc4;" +
    "--minor:#8a5a00;--major:#bc4c00;--critical:#c42b1c;" +
    "font:15px/1.5 system-ui,sans-serif;margin:0 0 1em;padding:.5em .75em;" +
    "background:var(--bg);color:var(--fg);border:1px solid var(--line);border-radius:6px}" +
    "@media (prefers-color-scheme:dark){.b{--bg:#161b22;--fg:#e6edf3;--line:#3d444d;--link:#6cb6ff;" +
    "--none:#8b9bb0;--maint:#6ca4f8;--minor:#d29922;--major:#f0883e;--critical:#ff7b72}}" +
    "@media (prefers-reduced-motion:no-preference){.b{animation:in .2s ease-out}}" +
    "@keyframes in{from{opacity:0}}" +
    "ul{list-style:none;margin:0;padding:0}li+li{margin-top:.25em}" +
    "li{border-inline-start:.3em solid var(--c);padding-inline-start:.5em}" +
    "a{color:var(--link);text-underline-offset:.15em}" +
    "a:focus-visible{outline:2px solid var(--link);outline-offset:2px}" +
    ".t{font-weight:700}.i{color:var(--c)}" +
    ".none{--c:var(--none)}.maintenance{--c:var(--maint)}.minor{--c:var(--minor)}" +
    ".major{--c:var(--major)}.critical{--c:var(--critical)}";
  // A constructed style sheet: a page whose Content-Security-Policy forbids inline styles
  // still shows the banner as drawn.
  if ("adoptedStyleSheets" in shadow && window.CSSStyleSheet && CSSStyleSheet.prototype.replaceSync) {
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    shadow.adoptedStyleSheets = [sheet];
  } else {
    el(shadow, "style").textContent = CSS;
  }
  var box = el(shadow, "section");
  box.className = "b";
  box.setAttribute("aria-label", words.label);
  box.setAttribute("lang", words.lang);
  box.setAttribute("dir", words.dir);
  var list = el(box, "ul");

  // The host page's language (its <html lang>), or its first part (pt-PT: pt), else the one
  // of the site's edition this script belongs to.
  function pick(tag) {
    tag = String(tag || "").toLowerCase();
    var known = Object.keys(WORDS);
    for (var n = 0; n < 2; n++) {
      for (var i = 0; i < known.length; i++) {
        if (known[i].toLowerCase() === tag) return known[i];
      }
      tag = tag.split("-")[0];
    }
    return LANG;
  }

  function el(parent, name, text) {
    var made = document.createElement(name);
    if (text) made.textContent = text;
    parent.appendChild(made);
    return made;
  }

  function impact(item) {
    var kind = item.impact === "maintenance" ? "maintenance" : item.impact;
    return words.impact[kind] ? kind : "none";
  }

  function show(summary) {
    var now = [];
    (summary.incidents || []).forEach(function (item) {
      if (item.status !== "resolved" && item.status !== "postmortem") now.push([item, false]);
    });
    (summary.scheduled_maintenances || []).forEach(function (item) {
      if (item.status === "in_progress" || item.status === "verifying") now.push([item, true]);
    });
    // How many are shown, on the script's own tag: a page may style or test by it.
    script.setAttribute("data-statusgen-active", String(now.length));
    while (list.firstChild) list.removeChild(list.firstChild);
    if (!now.length) {
      host.remove();
      return;
    }
    now.forEach(function (pair) {
      var item = pair[0], kind = pair[1] ? "maintenance" : impact(item);
      var row = el(list, "li");
      row.className = kind;
      // Words between spaces, so that a screen reader and a copy keep them apart.
      el(row, "span", pair[1] ? words.maintenance : words.incident).className = "t";
      row.appendChild(document.createTextNode(" "));
      var link = el(row, "a", String(item.name || ""));
      link.href = new URL(words.prefix + PAGE.replace("{id}", encodeURIComponent(item.id)), root).href;
      if (pair[1]) return;
      row.appendChild(document.createTextNode(" "));
      el(row, "span", words.impact[kind]).className = "i";
    });
    if (host.isConnected) return;
    var parent = script.parentNode;
    if (parent && parent !== document.head && document.contains(script)) {
      parent.insertBefore(host, script);
    } else if (document.body) {
      document.body.insertBefore(host, document.body.firstChild);
    } else {
      document.addEventListener("DOMContentLoaded", function () { show(summary); });
    }
  }

  function load() {
    fetch(new URL("api/v2/summary.json", root).href, {credentials: "omit", cache: "no-cache"})
      .then(function (answer) { return answer.ok ? answer.json() : null; })
      .then(function (summary) { if (summary) show(summary); })
      .catch(function () { /* the status site cannot be reached: the page stays as it is */ });
  }

  load();
  // A page kept open hears of a change within five minutes (the API is cached for one).
  setInterval(load, 300000);
})();

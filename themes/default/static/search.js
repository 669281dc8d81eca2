// The search page's box: Pagefind's interface from the index the build wrote beside the
// site (data-bundle, relative to this page). Without an index (the indexer was missing at
// build time) it shows the page's "not available" note instead.
(function () {
  "use strict";
  var box = document.getElementById("search");
  if (!box) return;
  // Absolute, because Pagefind resolves the bundle from its own script, and result links
  // from the site's root, which may be a sub-path (a project's GitHub Pages).
  var bundle = new URL(box.getAttribute("data-bundle"), document.baseURI);
  var root = new URL("../", bundle).pathname;
  function unavailable() {
    var note = document.getElementById(box.getAttribute("data-unavailable"));
    if (note) note.hidden = false;
  }
  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = new URL("pagefind-ui.css", bundle).href;
  var script = document.createElement("script");
  script.src = new URL("pagefind-ui.js", bundle).href;
  script.onerror = unavailable;
  script.onload = function () {
    if (typeof window.PagefindUI !== "function") return unavailable();
    new window.PagefindUI({
      element: "#search", bundlePath: bundle.href, baseUrl: root,
      showImages: false, showSubResults: false
    });
  };
  document.head.appendChild(css);
  document.head.appendChild(script);
})();

/* Social Media Ski School: the site-wide script, on every page.

   1. An instructor's link with ?shared=1 starts shared-computer mode from any page.
   2. Names for the sidebar's expand/collapse toggles.

   1. The exercise pages' script (live/web/skischool-live.js) keeps attempts in this tab's
   sessionStorage while a session flag or session cookie says "shared". It loads only on pages
   with an exercise, so a link to the course's first page, or a lesson, with ?shared=1 used to do
   nothing, and the parameter was gone by the first click. Here any page sets the same flag and
   cookie, takes the parameter out of the address (a reload after the learner switches the mode
   off must not switch it on again), and leaves a one-time note that the tab arrived this way:
   the first exercise page then asks whether to remove an earlier visit's attempts, as it does
   when the link points at it. localStorage is never touched. */
(function () {
  "use strict";

  var SHARED = "skischool.shared"; // the names skischool-live.js reads
  var ARRIVED = "skischool.shared.arrived";
  var COOKIE = "skischool-shared";
  try {
    var params = new URLSearchParams(location.search);
    if (params.get("shared") !== "1") return;
    try {
      window.sessionStorage.setItem(SHARED, "1");
      window.sessionStorage.setItem(ARRIVED, "1");
    } catch (e) {
      /* storage refused: the cookie still says it, for this browser session */
    }
    var root = document.documentElement.getAttribute("data-content_root") || "";
    var path = new URL(root || "./", location.href).pathname; // the site's own folder
    document.cookie = COOKIE + "=1; path=" + path + "; SameSite=Strict";
    params.delete("shared");
    var rest = params.toString();
    history.replaceState(history.state, "", location.pathname + (rest ? "?" + rest : "") + location.hash);
  } catch (e) {
    /* an old browser or an address it will not rewrite: the exercise page's script still reads it */
  }
})();

/* 2. Names for the sidebar's expand/collapse toggles.

   pydata-sphinx-theme builds the sidebar in Python: each level's entry is a link followed by
   <details><summary>(a chevron icon)</summary>. The summary has no text, so a screen reader
   announces a nameless "disclosure triangle" (axe-core: summary-name, WCAG 4.1.2). A template
   cannot reach that markup, so this names each toggle after the entry it opens. */
(function () {
  "use strict";

  function nameSidebarToggles() {
    document.querySelectorAll(".bd-sidenav details > summary").forEach(function (summary) {
      if (summary.textContent.trim() || summary.hasAttribute("aria-label")) return;
      var item = summary.parentElement.parentElement; // <li> holding the link and the <details>
      var link = item ? item.querySelector(":scope > a") : null;
      var title = link ? link.textContent.replace(/\s+/g, " ").trim() : "";
      summary.setAttribute("aria-label", title ? "Pages in " + title : "More pages");
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", nameSidebarToggles);
  } else {
    nameSidebarToggles();
  }
})();

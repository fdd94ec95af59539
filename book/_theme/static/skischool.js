/* Social Media Ski School: names for the sidebar's expand/collapse toggles.

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

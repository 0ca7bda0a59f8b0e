/*
 * Downloads that take a few seconds (a brief's PDF) show that they are busy.
 *
 * A link with data-busy-text gets aria-busy="true" when followed, and the page's download
 * status region (data-download-status, a polite live region) says the busy text, e.g.
 * "Preparing your PDF…". The click sets a short-lived cookie; the download's response
 * deletes it (evidence/http.py: download_started), so once the cookie has gone the
 * download has started: the link is reset and the region says data-done-text. After a
 * minute without an answer the link is reset anyway. The link is never taken over: the
 * browser downloads the file as it would without this script.
 *
 * A static file under the Content-Security-Policy (script-src 'self'): no inline script.
 */
(function () {
  "use strict";

  var COOKIE = "lh_download_pending";
  var CHECK_EVERY_MS = 250;
  var GIVE_UP_AFTER_MS = 60000;

  function cookiePending() {
    return document.cookie.split("; ").some(function (part) {
      return part.indexOf(COOKIE + "=") === 0;
    });
  }

  function setCookie(maxAge) {
    document.cookie = COOKIE + "=" + (maxAge ? "1" : "") + "; path=/; max-age=" + maxAge +
      "; SameSite=Strict";
  }

  function statusRegionFor(link) {
    var scope = link.closest("nav, section, main") || document;
    return scope.querySelector("[data-download-status]") ||
      document.querySelector("[data-download-status]");
  }

  function reset(link, region, text) {
    link.removeAttribute("aria-busy");
    link.classList.remove("is-busy");
    if (region) {
      region.textContent = text;
    }
  }

  document.addEventListener("click", function (event) {
    if (!(event.target instanceof Element)) {
      return;
    }
    var link = event.target.closest("a[data-busy-text]");
    if (!link) {
      return;
    }
    if (link.getAttribute("aria-busy") === "true") {
      event.preventDefault(); // already being prepared: one request at a time
      return;
    }
    var region = statusRegionFor(link);
    link.setAttribute("aria-busy", "true");
    link.classList.add("is-busy");
    if (region) {
      region.textContent = link.getAttribute("data-busy-text");
    }
    setCookie(120);
    var started = Date.now();
    var timer = window.setInterval(function () {
      var begun = !cookiePending();
      if (begun || Date.now() - started > GIVE_UP_AFTER_MS) {
        window.clearInterval(timer);
        setCookie(0);
        reset(link, region, begun ? link.getAttribute("data-done-text") || "" : "");
      }
    }, CHECK_EVERY_MS);
  });
})();

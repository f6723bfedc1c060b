// liveblog (MIT): show the <replay-web-page> only once ReplayWeb.page's service worker is active.
//
// ReplayWeb.page's ui.js registers the worker and loads its replay frame as soon as
// the registration exists; when the worker is not active yet (a first visit on a slow
// machine), the frame loads uncontrolled, gets the server's 404, and ui.js gives up
// after three quick retries. So the page keeps the element in a <template>; this
// registers the same worker, with the same script URL and scope as ui.js (the folder
// this file and sw.js sit in), waits until it is activated, and only then puts the
// element in the page, where ui.js (loaded as usual) takes it up.
(function () {
  "use strict";
  var base = document.currentScript.getAttribute("data-replay-base");

  function activated(registration) {
    return new Promise(function (resolve) {
      var worker = registration.installing || registration.waiting;
      if (registration.active || !worker) {
        resolve();
        return;
      }
      worker.addEventListener("statechange", function () {
        if (worker.state === "activated") {
          resolve();
        }
      });
    });
  }

  function parsed() {
    return new Promise(function (resolve) {
      if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", function () { resolve(); });
      } else {
        resolve();
      }
    });
  }

  function show() {
    var template = document.getElementById("replay-template");
    var place = document.getElementById("replay");
    if (template && place) {
      place.appendChild(template.content.cloneNode(true));
    }
  }

  var ready = "serviceWorker" in navigator
    ? navigator.serviceWorker.register(base + "sw.js?serveIndex=1", {scope: base}).then(activated)
    : Promise.resolve(); // ui.js then explains that replay needs service workers (https or localhost)
  Promise.all([ready, parsed()]).then(show, function () { parsed().then(show); });
})();

/* The search page: the header's search form sends ?q=; put it in Pagefind's box. */
(function () {
  var query = new URLSearchParams(window.location.search).get("q");
  if (!query) return;
  var tries = 0;
  (function fill() {
    var input = document.querySelector("pagefind-input input");
    if (!input) {
      if (tries++ < 200) window.setTimeout(fill, 25);
      return;
    }
    input.value = query;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  })();
})();

// The filter panel is folded in the page, so that a phone shows the results first even without
// JavaScript; on a wide screen, where it is a side column beside the results, it opens. Same
// width as site.css's two-column layout.
(function () {
  var panel = document.getElementById("filters-panel");
  if (panel && window.matchMedia("(min-width: 56rem)").matches) {
    panel.open = true;
  }
})();

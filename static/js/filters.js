// The filter panel is open in the page so that it works without JavaScript; on a narrow screen
// it folds, so that the results are the first thing a phone shows. Same width as site.css's
// two-column layout.
(function () {
  var panel = document.getElementById("filters-panel");
  if (panel && !window.matchMedia("(min-width: 56rem)").matches) {
    panel.open = false;
  }
})();

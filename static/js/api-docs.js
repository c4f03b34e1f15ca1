// /api/docs/: Swagger UI's stylesheets and scripts (named on the button, self-hosted) are added
// when the visitor asks for the console, or at once when the address points into it
// (Swagger's deep links, #/tag/operation). Scripts added by script keep their order with
// async = false: the bundle, its preset, then drf-spectacular's set-up script.
(function () {
  var button = document.getElementById("swagger-open");
  if (!button) {
    return;
  }
  function open() {
    button.hidden = true;
    button.dataset.styles.split(" ").forEach(function (href) {
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = href;
      document.head.appendChild(link);
    });
    button.dataset.scripts.split(" ").forEach(function (src) {
      var script = document.createElement("script");
      script.src = src;
      script.async = false;
      document.body.appendChild(script);
    });
    // The button vanishes: focus goes to where the console appears, not back to the top.
    var target = document.getElementById("swagger-ui");
    target.tabIndex = -1;
    target.focus();
  }
  button.hidden = false;
  button.addEventListener("click", open);
  if (location.hash.indexOf("#/") === 0) {
    open();
  }
})();

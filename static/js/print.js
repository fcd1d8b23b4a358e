// Print buttons: every element with data-print opens the browser's print dialog (A4, styled by
// the @media print block of app.css). A file, not an onclick, so the Content-Security-Policy
// needs no inline script. Load it once on each printable page.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (!button) { return; }
    event.preventDefault();
    window.print();
  });
})();

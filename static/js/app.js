// Site-wide behaviour, loaded as a file so the Content-Security-Policy needs no inline script.
(function () {
  "use strict";
  // Forms with data-confirm ask before submitting (destructive or status-changing actions).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
  // The "generate a password" box hides the password field it makes unnecessary.
  var generate = document.getElementById("generate");
  var password = document.getElementById("password-group");
  if (generate && password) {
    var sync = function () { password.hidden = generate.checked; };
    generate.addEventListener("change", sync);
    sync();
  }
  // The role picker shows the service point field only for agents.
  var role = document.getElementById("grant-role");
  var point = document.getElementById("grant-service-point-group");
  if (role && point) {
    var syncRole = function () { point.hidden = role.value !== "agent"; };
    role.addEventListener("change", syncRole);
    syncRole();
  }
})();

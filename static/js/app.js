// Site-wide behaviour, loaded as a file so the Content-Security-Policy needs no inline script.
(function () {
  "use strict";
  // Forms (or the button pressed) with data-confirm ask before submitting (destructive or
  // status-changing actions); the button's own question wins over its form's, and a button
  // with an empty data-confirm asks nothing (a draft's "save" beside its "submit").
  // A form that is sent stops the warning about unsaved text below.
  var leaving = false;
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var message = button && button.hasAttribute("data-confirm")
      ? button.getAttribute("data-confirm")
      : form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
      return;
    }
    leaving = true;
  });
  // Forms marked data-unsaved warn before the page is left with text typed and not sent
  // (data-unsaved="kept": the page came back holding such text from an earlier post).
  var dirty = document.querySelector('form[data-unsaved="kept"]') !== null;
  document.addEventListener("input", function (event) {
    var field = event.target;
    if (field.form && field.form.hasAttribute("data-unsaved") &&
        (field.tagName === "TEXTAREA" || field.type === "text" || field.type === "date")) {
      dirty = true;
    }
  });
  window.addEventListener("pageshow", function () { leaving = false; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty && !leaving) {
      event.preventDefault();
      event.returnValue = "";
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

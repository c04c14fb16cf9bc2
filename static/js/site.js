// Behaviour of the plain pages, kept out of the HTML so the Content-Security-Policy needs no inline script.
// <select data-autosubmit>: choosing an option submits its form (the language switch).
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
    field.form.submit();
  }
});

// The contact form saves a draft a couple of seconds after typing stops (HTMX). Once the form is
// being sent to be logged, a draft save still waiting would only bring the old text back: drop it.
document.addEventListener("submit", function (event) {
  if (event.target.matches && event.target.matches("[data-contact-form]")) {
    event.target.dataset.sending = "1";
  }
});
document.addEventListener("htmx:beforeRequest", function (event) {
  var form = event.detail.elt;
  if (form && form.matches && form.matches("[data-contact-form]") && form.dataset.sending) {
    event.preventDefault();
  }
});

// Reveal one piece of evidence at a time: revealing one blurs every other again.
document.addEventListener("click", function (event) {
  var target = event.target instanceof Element ? event.target : null;
  if (!target) return;
  var reveal = target.closest("[data-reveal]");
  var veil = target.closest("[data-veil]");
  if (!reveal && !veil) return;
  var frame = target.closest("[data-evidence]");
  document.querySelectorAll("[data-evidence].evidence-revealed").forEach(function (other) {
    other.classList.remove("evidence-revealed");
    var button = other.querySelector("[data-reveal]");
    if (button) button.setAttribute("aria-pressed", "false");
  });
  if (reveal && frame) {
    frame.classList.add("evidence-revealed");
    reveal.setAttribute("aria-pressed", "true");
  }
});

// Listing filters: apply a facet or sort choice as soon as it changes (the form still has its
// "Apply filters" button without JavaScript), and start with the filter panel folded on phones.
(function () {
  "use strict";

  const form = document.getElementById("filter-form");
  if (!form) return;

  document.addEventListener("change", (event) => {
    // The sort <select> sits outside the form and joins it through its form="filter-form"
    // attribute, so listen on the document. The form has no page field: results restart at page 1.
    if (event.target.form === form) form.requestSubmit();
  });

  const panel = form.closest("details");
  if (panel && window.matchMedia("(max-width: 899px)").matches) {
    panel.open = false;
  }
})();

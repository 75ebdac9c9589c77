// Product page: the image gallery and the variant picker.
//
// The page works without JavaScript (thumbnails link to full images, a <select> lists every
// variant). With it, thumbnails swap the main image, and the option buttons (Size, Colour...)
// pick the matching variant: price, "was" price, stock state and the add-to-cart button follow.
// Variant data comes from the JSON in <script type="application/json" id="variant-data">.
(function () {
  "use strict";

  function setupGallery() {
    const main = document.getElementById("gallery-main");
    const mainLink = document.getElementById("gallery-main-link");
    const thumbs = document.querySelectorAll(".gallery-thumb");
    if (!main || !thumbs.length) return;
    thumbs.forEach((thumb) => {
      thumb.addEventListener("click", (event) => {
        event.preventDefault();
        main.removeAttribute("srcset");
        main.src = thumb.dataset.medium;
        main.alt = thumb.dataset.alt;
        mainLink.href = thumb.dataset.full;
        thumbs.forEach((other) => {
          other.classList.toggle("is-active", other === thumb);
          if (other === thumb) other.setAttribute("aria-current", "true");
          else other.removeAttribute("aria-current");
        });
      });
    });
  }

  function setupVariantPicker() {
    const dataElement = document.getElementById("variant-data");
    const select = document.getElementById("variant-select");
    if (!dataElement || !select) return;
    const variants = JSON.parse(dataElement.textContent);
    const byId = new Map(variants.map((variant) => [String(variant.id), variant]));

    const price = document.querySelector("#product-price [data-price]");
    const compareAt = document.querySelector("#product-price [data-compare-at]");
    const compareAtValue = document.querySelector("#product-price [data-compare-at-value]");
    const stock = document.getElementById("stock-state");
    const button = document.getElementById("add-to-cart");
    const quantity = document.getElementById("quantity");
    const unavailable = document.getElementById("option-unavailable");

    function show(variant) {
      if (unavailable) unavailable.hidden = Boolean(variant);
      if (!variant) {
        button.disabled = true;
        stock.textContent = "Unavailable";
        stock.className = "stock stock-out_of_stock";
        return;
      }
      select.value = String(variant.id);
      if (price) price.textContent = variant.price;
      if (compareAt) {
        compareAt.hidden = !variant.compare_at;
        compareAtValue.textContent = variant.compare_at;
      }
      stock.textContent = variant.stock_label;
      stock.className = "stock stock-" + variant.stock_state;
      button.disabled = variant.stock_state === "out_of_stock";
      if (quantity && variant.max_quantity > 0) {
        quantity.max = String(variant.max_quantity);
        if (Number(quantity.value) > variant.max_quantity) quantity.value = String(variant.max_quantity);
      }
    }

    select.addEventListener("change", () => show(byId.get(select.value)));

    const picker = document.getElementById("option-picker");
    if (!picker) return;
    const radios = Array.from(picker.querySelectorAll("input[type=radio]"));
    const groups = Array.from(picker.querySelectorAll(".option-group"));

    function chosen() {
      const options = {};
      radios.filter((radio) => radio.checked).forEach((radio) => {
        options[radio.dataset.optionName] = radio.value;
      });
      return options;
    }

    function matches(variant, options) {
      return Object.entries(options).every(([name, value]) => variant.options[name] === value);
    }

    function refresh() {
      const options = chosen();
      // Mark values that no variant offers together with the other current choices.
      radios.forEach((radio) => {
        const name = radio.dataset.optionName;
        const candidate = Object.assign({}, options, { [name]: radio.value });
        const possible = variants.some((variant) => matches(variant, candidate));
        radio.classList.toggle("is-unavailable", !possible);
      });
      groups.forEach((group) => {
        const current = group.querySelector("[data-option-current]");
        const checked = group.querySelector("input:checked");
        if (current) current.textContent = checked ? checked.value : "";
      });
      const complete = Object.keys(options).length === groups.length;
      show(complete ? variants.find((variant) => matches(variant, options)) : null);
    }

    // Start from the variant the server selected.
    const initial = byId.get(select.value);
    radios.forEach((radio) => {
      radio.checked = Boolean(initial) && initial.options[radio.dataset.optionName] === radio.value;
      radio.addEventListener("change", refresh);
    });
    picker.hidden = false;
    const field = document.getElementById("variant-field");
    if (field) field.hidden = true;
    refresh();
  }

  setupGallery();
  setupVariantPicker();
})();

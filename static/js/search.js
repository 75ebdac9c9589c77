// Search box suggestions, following the WAI-ARIA 1.2 combobox pattern (list autocomplete):
// typing asks /search/autocomplete/ (debounced; stale answers are aborted), Up/Down move the
// active option, Enter opens it, Escape closes the list. Without JavaScript the box is a plain
// search form. Hand-written because it is small and the site loads no third-party scripts.
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  const input = document.getElementById("site-search");
  const listbox = document.getElementById("site-search-listbox");
  const status = document.getElementById("site-search-status");
  if (!input || !listbox) return;

  const DEBOUNCE_MS = 200;
  const MIN_CHARS = 2;
  const TYPE_LABELS = { category: "Category", brand: "Brand", product: "Product" };
  let options = [];
  let active = -1;
  let timer = null;
  let controller = null;

  function close() {
    listbox.hidden = true;
    listbox.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    options = [];
    active = -1;
  }

  function setActive(index) {
    options.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
    active = index;
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function render(results) {
    listbox.replaceChildren();
    options = results.map((result, i) => {
      const option = document.createElement("li");
      option.id = "site-search-option-" + i;
      option.className = "listbox-option";
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.dataset.url = result.url;
      const label = document.createElement("span");
      label.textContent = result.label;
      const type = document.createElement("span");
      type.className = "listbox-type";
      type.textContent = TYPE_LABELS[result.type] || "";
      option.append(label, type);
      // mousedown (not click) so the input keeps focus and does not close the list first.
      option.addEventListener("mousedown", (event) => {
        event.preventDefault();
        window.location.assign(result.url);
      });
      listbox.append(option);
      return option;
    });
    active = -1;
    const open = options.length > 0;
    listbox.hidden = !open;
    input.setAttribute("aria-expanded", String(open));
    if (status) {
      status.textContent = open ? options.length + " suggestions available." : "";
    }
  }

  async function fetchSuggestions(query) {
    if (controller) controller.abort();
    controller = new AbortController();
    try {
      const url = input.dataset.autocompleteUrl + "?q=" + encodeURIComponent(query);
      const response = await fetch(url, { signal: controller.signal, headers: { Accept: "application/json" } });
      if (!response.ok) return close();
      const data = await response.json();
      if (input.value.trim() === query) render(data.results || []);
    } catch (error) {
      if (error.name !== "AbortError") close();
    }
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    const query = input.value.trim();
    if (query.length < MIN_CHARS) {
      if (controller) controller.abort();
      close();
      return;
    }
    timer = setTimeout(() => fetchSuggestions(query), DEBOUNCE_MS);
  });

  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" && options.length) {
      event.preventDefault();
      setActive((active + 1) % options.length);
    } else if (event.key === "ArrowUp" && options.length) {
      event.preventDefault();
      setActive(active <= 0 ? options.length - 1 : active - 1);
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      window.location.assign(options[active].dataset.url);
    } else if (event.key === "Escape") {
      if (!listbox.hidden) {
        event.preventDefault();
        close();
      }
    }
  });

  input.addEventListener("blur", () => setTimeout(close, 100));
})();

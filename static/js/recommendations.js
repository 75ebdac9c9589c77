// Recommendation blocks: filled from the API after the page loads, so pages served from the
// shared page cache (core.page_cache) never carry anyone's personal recommendations.
//
// - <section data-recs-url data-recs-block> placeholders are fetched and rendered (hidden when empty).
// - Product pages (<main data-recs-viewed="id">) remember the product in sessionStorage; the
//   "for you" block sends those ids as `viewed`, so anonymous shoppers get session recommendations.
// - Impressions of every rendered block, and clicks, are sent to /api/v1/recommendations/events/.
// - "Frequently bought together" adds the page's product and the shown ones to the cart in one click.
(function () {
  "use strict";

  const VIEWED_KEY = "recs-viewed";
  const EVENTS_URL = "/api/v1/recommendations/events/";
  const MAX_VIEWED = 20;
  const BUNDLE_SIZE = 3;

  function viewed() {
    try {
      return JSON.parse(sessionStorage.getItem(VIEWED_KEY) || "[]").filter(Number.isInteger);
    } catch (error) {
      return [];
    }
  }

  function rememberView() {
    const holder = document.querySelector("[data-recs-viewed]");
    if (!holder) return;
    const id = Number(holder.dataset.recsViewed);
    const ids = viewed().filter((other) => other !== id);
    ids.push(id);
    try {
      sessionStorage.setItem(VIEWED_KEY, JSON.stringify(ids.slice(-MAX_VIEWED)));
    } catch (error) {
      // storage full or disabled: session recommendations fall back to the server's view
    }
  }

  function send(payload) {
    const body = JSON.stringify(payload);
    if (navigator.sendBeacon && navigator.sendBeacon(EVENTS_URL, new Blob([body], { type: "application/json" }))) return;
    fetch(EVENTS_URL, { method: "POST", body, keepalive: true, headers: { "Content-Type": "application/json" } });
  }

  function track(section) {
    const cards = Array.from(section.querySelectorAll("[data-recs-product]"));
    if (!cards.length) return;
    const version = section.dataset.recsVersion ? Number(section.dataset.recsVersion) : null;
    const base = { block: section.dataset.recsBlock, model_version: version };
    send({
      ...base,
      kind: "impression",
      product_ids: cards.map((card) => Number(card.dataset.recsProduct)),
      positions: cards.map((card) => Number(card.dataset.recsPosition)),
    });
    cards.forEach((card) => {
      card.addEventListener("click", () => {
        send({ ...base, kind: "click", product_ids: [Number(card.dataset.recsProduct)],
               positions: [Number(card.dataset.recsPosition)] });
      });
    });
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function card(item, position, currency) {
    const article = element("article", "card product-card");
    article.dataset.recsProduct = item.id;
    article.dataset.recsPosition = position;
    const link = element("a", "product-card-link");
    link.href = item.url;
    const media = element("div", "product-card-media");
    const image = element("img");
    image.src = item.image || "/static/img/placeholder.svg";
    image.alt = "";
    image.width = 320;
    image.height = 320;
    image.loading = "lazy";
    media.append(image);
    const body = element("div", "product-card-body");
    body.append(
      element("p", "product-card-brand", item.brand),
      element("h3", "product-card-title", item.name),
      element("p", "price", currency + item.price),
      element("p", "muted recs-reason", item.reason),
    );
    link.append(media, body);
    article.append(link);
    return article;
  }

  function setupBundle(section, results) {
    const form = section.querySelector("[data-recs-bundle-form]");
    const own = document.querySelector('form[action$="/cart/add/"] [name="variant"]');
    const chosen = results
      .filter((item) => item.variant_id && item.reason_code === "bought_together")
      .slice(0, BUNDLE_SIZE);
    if (!form || !own || !chosen.length) {
      if (form) form.hidden = true;
      return;
    }
    form.querySelector('[name="variants"]').value = [own.value, ...chosen.map((item) => item.variant_id)].join(",");
    form.querySelector("button").textContent = `Add all ${chosen.length + 1} to cart`;
  }

  async function fill(section) {
    let url = section.dataset.recsUrl;
    if (section.dataset.recsBlock === "for_you") {
      const ids = viewed();
      if (ids.length) url += `&viewed=${ids.join(",")}`;  // most recent last
    }
    let data;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) return;
      data = await response.json();
    } catch (error) {
      return;
    }
    if (!data.results.length) return;
    const currency = section.dataset.recsCurrency || "";
    const list = section.querySelector("[data-recs-items]");
    data.results.forEach((item, position) => {
      const entry = element("li");
      entry.append(card(item, position, currency));
      list.append(entry);
    });
    section.dataset.recsVersion = data.model_version === null ? "" : data.model_version;
    if (section.dataset.recsBundle) setupBundle(section, data.results);
    section.hidden = false;
    track(section);
  }

  rememberView();
  document.querySelectorAll("[data-recs-url]").forEach(fill);
  document.querySelectorAll("[data-recs-rendered]").forEach(track);
})();

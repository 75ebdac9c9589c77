// Support chat widget: the markup is in templates/support/widget.html (the same for every visitor);
// the conversation lives on the server and its id in sessionStorage, so it follows the shopper
// across pages for the browser session. Every text is inserted with textContent (never as HTML).
(function () {
  "use strict";
  const STORE_ID = "support-chat-conversation";
  const STORE_OPEN = "support-chat-open";

  function init() {
    const root = document.getElementById("support-chat");
    if (!root) return;
    const api = root.dataset.api;
    const toggle = document.getElementById("support-chat-toggle");
    const panel = document.getElementById("support-chat-panel");
    const close = document.getElementById("support-chat-close");
    const log = document.getElementById("support-chat-log");
    const quick = document.getElementById("support-chat-quick");
    const form = document.getElementById("support-chat-form");
    const input = document.getElementById("support-chat-input");
    const error = document.getElementById("support-chat-error");
    const csrf = form.querySelector("input[name=csrfmiddlewaretoken]");
    let loaded = false;
    let busy = false;
    let lastId = 0; // newest message shown, for the poll that brings staff answers in
    let poll = null;

    function conversationId() { return sessionStorage.getItem(STORE_ID); }
    function pageProduct() {
      const match = window.location.pathname.match(/^\/p\/([-a-z0-9_]+)\/?$/);
      return match ? match[1] : "";
    }
    function headers() {
      const result = { "Content-Type": "application/json", Accept: "application/json" };
      if (csrf && csrf.value) result["X-CSRFToken"] = csrf.value;
      return result;
    }
    function showError(text) { error.textContent = text; error.hidden = !text; }

    function el(tag, className, text) {
      const node = document.createElement(tag);
      if (className) node.className = className;
      if (text !== undefined) node.textContent = text;
      return node;
    }

    function card(data) {
      if (data.type === "product") {
        const link = el("a", "support-chat-card");
        link.href = data.url;
        link.appendChild(el("strong", "", data.name));
        link.appendChild(el("span", "", `${data.currency || ""}${data.price}${data.in_stock === false ? " · out of stock" : ""}`));
        return link;
      }
      const box = el("div", "support-chat-card");
      box.appendChild(el("strong", "", `Order ${data.number}`));
      box.appendChild(el("span", "", `${data.status_label || data.status} · ${data.currency || ""} ${data.total}`));
      if (data.tracking_number) box.appendChild(el("span", "", ` · tracking ${data.tracking_number}`));
      return box;
    }

    function feedback(messageId, current) {
      const group = el("div", "support-chat-feedback");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", "Was this helpful?");
      [["up", "Helpful"], ["down", "Not helpful"]].forEach(([value, label]) => {
        const button = el("button", "", label);
        button.type = "button";
        button.setAttribute("aria-pressed", String(current === value));
        button.addEventListener("click", async () => {
          const response = await fetch(`${api}messages/${messageId}/feedback/`, {
            method: "POST", headers: headers(), credentials: "same-origin",
            body: JSON.stringify({ conversation: conversationId(), value }),
          });
          if (response.ok) group.querySelectorAll("button").forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
        });
        group.appendChild(button);
      });
      return group;
    }

    function addMessage(role, text, extra) {
      const item = el("li", `support-chat-message is-${role}`);
      item.appendChild(el("span", "support-chat-who", role === "customer" ? "You" : role === "staff" ? "Our team" : "Assistant"));
      item.appendChild(el("span", "support-chat-text", text));
      if (extra && extra.cards && extra.cards.length) {
        const cards = el("div", "support-chat-cards");
        extra.cards.forEach((data) => cards.appendChild(card(data)));
        item.appendChild(cards);
      }
      if (role === "bot" && extra && extra.id) item.appendChild(feedback(extra.id, extra.feedback));
      log.appendChild(item);
      log.scrollTop = log.scrollHeight;
    }

    function setQuickReplies(replies) {
      quick.replaceChildren();
      (replies || []).forEach((text) => {
        const button = el("button", "", text);
        button.type = "button";
        button.addEventListener("click", () => { input.focus(); send(text); });
        quick.appendChild(button);
      });
    }

    async function loadHistory() {
      loaded = true;
      const id = conversationId();
      if (!id) {
        addMessage("bot", "Hello! How can I help? I can track or cancel an order, start a return, and find products.");
        setQuickReplies(["Where is my order?", "Start a return", "Delivery options", "Talk to a person"]);
        return;
      }
      const response = await fetch(`${api}conversations/${id}/`, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) { sessionStorage.removeItem(STORE_ID); loaded = false; return loadHistory(); }
      const data = await response.json();
      showNew(data);
    }

    function showNew(data) {
      const fresh = data.messages.filter((m) => m.id > lastId);
      fresh.forEach((m) => addMessage(m.role, m.text, { cards: m.cards, id: m.id, feedback: m.feedback }));
      if (data.messages.length) lastId = data.messages[data.messages.length - 1].id;
      const last = fresh[fresh.length - 1];
      if (last) setQuickReplies(last.role === "bot" ? last.quick_replies : []);
      watch(data.status);
    }

    // After a hand-off, look for our team's answer every 20 seconds while the chat is open.
    function watch(status) {
      if (status !== "handed_off" || poll) return;
      poll = window.setInterval(async () => {
        const id = conversationId();
        if (!id || panel.hidden || busy) return;
        const response = await fetch(`${api}conversations/${id}/`, { headers: { Accept: "application/json" }, credentials: "same-origin" });
        if (response.ok) showNew(await response.json());
      }, 20000);
    }

    async function send(text, retried) {
      text = (text || "").trim();
      if (!text || busy) return;
      busy = true;
      showError("");
      if (!retried) addMessage("customer", text);
      setQuickReplies([]);
      const body = { message: text, page_product: pageProduct() };
      if (conversationId()) body.conversation = conversationId();
      try {
        const response = await fetch(`${api}messages/`, { method: "POST", headers: headers(), credentials: "same-origin", body: JSON.stringify(body) });
        const data = await response.json().catch(() => ({}));
        if (response.status === 404 && conversationId() && !retried) {
          sessionStorage.removeItem(STORE_ID);
          busy = false;
          return send(text, true);
        }
        if (!response.ok) {
          showError((data.error && data.error.message) || "Sorry, something went wrong. Please try again.");
          return;
        }
        sessionStorage.setItem(STORE_ID, data.conversation);
        addMessage("bot", data.reply.text, { cards: data.reply.cards, id: data.reply.message_id });
        lastId = Math.max(lastId, data.reply.message_id);
        setQuickReplies(data.reply.quick_replies);
        watch(data.status);
      } catch (exc) {
        showError("You seem to be offline. Please try again.");
      } finally {
        busy = false;
      }
    }

    function open(focus) {
      panel.hidden = false;
      toggle.setAttribute("aria-expanded", "true");
      sessionStorage.setItem(STORE_OPEN, "1");
      if (!loaded) loadHistory();
      if (focus) input.focus();
    }
    function shut() {
      panel.hidden = true;
      toggle.setAttribute("aria-expanded", "false");
      sessionStorage.removeItem(STORE_OPEN);
      toggle.focus();
    }

    toggle.addEventListener("click", () => (panel.hidden ? open(true) : shut()));
    close.addEventListener("click", shut);
    document.addEventListener("keydown", (event) => { if (event.key === "Escape" && !panel.hidden) shut(); });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = input.value;
      input.value = "";
      send(text);
    });
    if (sessionStorage.getItem(STORE_OPEN)) open(false);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

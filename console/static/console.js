// callboard console: live parts, actions by click or key, the served-for clock.
// Plain JS, no framework: the server draws every part; this only puts it in place.
"use strict";
(function () {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const said = document.getElementById("said");

  function say(text, problem) {
    if (!said) return;
    said.textContent = text;
    said.classList.toggle("problem", !!problem);
  }

  function tick() {
    document.querySelectorAll("[data-since]").forEach(function (el) {
      const since = Date.parse(el.dataset.since);
      if (isNaN(since)) return;
      const s = Math.max(0, Math.floor((Date.now() - since) / 1000));
      const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
      el.textContent = (h ? h + ":" + String(m).padStart(2, "0") : m) + ":" + String(r).padStart(2, "0");
    });
  }

  // Transfer offers another service than the current ticket's own (by its prefix).
  function otherService(ticket) {
    const select = document.getElementById("to-service");
    if (!select || !ticket) return;
    const prefix = ticket.replace(/[0-9]+$/, "");
    const chosen = select.options[select.selectedIndex];
    if (chosen && chosen.dataset.prefix !== prefix) return;
    const other = Array.from(select.options).find(function (o) { return o.dataset.prefix !== prefix; });
    if (other) select.value = other.value;
  }

  function place(parts) {
    Object.keys(parts).forEach(function (name) {
      const value = parts[name];
      if (name === "open") { document.body.dataset.open = value ? "yes" : "no"; return; }
      if (name === "chart") { if (window.drawChart) window.drawChart(value); return; }
      if (name === "ticket") { otherService(value); return; }
      const el = document.getElementById("part-" + name);
      if (el && typeof value === "string") el.innerHTML = value;
    });
    tick();
  }

  function listen(url) {
    const source = new EventSource(url);
    source.addEventListener("parts", function (e) { place(JSON.parse(e.data)); });
    source.addEventListener("logout", function () { source.close(); window.location = "/login"; });
  }

  async function send(form) {
    const response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-CSRF-Token": csrf, "X-Requested-With": "console" },
      credentials: "same-origin",
    });
    let body = {};
    try { body = await response.json(); } catch (e) { body = {}; }
    if (response.status === 401) { window.location = "/login"; return; }
    say(body.message || body.error || "The console could not answer; please try again.", !response.ok);
    if (response.ok) {
      const input = form.querySelector('input[name="ticket"]');
      if (input) input.value = "";
    }
  }

  document.querySelectorAll("form.act").forEach(function (form) {
    form.addEventListener("submit", function (e) { e.preventDefault(); send(form); });
  });

  // F1-F8 press the button that shows the key (F8: pause or resume, whichever shows).
  document.addEventListener("keydown", function (e) {
    if (!/^F[1-9]$/.test(e.key)) return;
    const buttons = Array.from(document.querySelectorAll('button[data-key="' + e.key + '"]'))
      .filter(function (b) { return b.offsetParent !== null; });
    if (!buttons.length) return;
    e.preventDefault();
    const button = buttons[0];
    const needs = button.dataset.needs && document.getElementById(button.dataset.needs);
    if (needs && !needs.value.trim()) { needs.focus(); say("Please type the ticket number, then press " + e.key + " again."); return; }
    button.form.requestSubmit(button);
  });

  if (document.body.dataset.live) listen(document.body.dataset.live);
  tick();
  setInterval(tick, 1000);
})();

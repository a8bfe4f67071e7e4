// The notice forms: a preview of the board after each pause in typing, publish and clear.
"use strict";
(function () {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const image = document.getElementById("preview");
  const hint = document.getElementById("preview-hint");
  let timer = null, shown = null;

  async function preview(form) {
    hint.textContent = "Drawing the board…";
    const response = await fetch("/manager/notices/" + form.dataset.scope + "/preview", {
      method: "POST", body: new FormData(form),
      headers: { "X-CSRF-Token": csrf, "X-Requested-With": "console" },
    });
    if (!response.ok) {
      let body = {};
      try { body = await response.json(); } catch (e) { body = {}; }
      hint.textContent = body.error || "The preview could not be drawn just now.";
      return;
    }
    const blob = await response.blob();
    if (shown) URL.revokeObjectURL(shown);
    shown = URL.createObjectURL(blob);
    image.src = shown;
    image.hidden = false;
    hint.textContent = form.dataset.scope === "branch"
      ? "The branch's notice, as a lobby without a notice of its own shows it."
      : "This lobby's notice, as its screens will show it.";
  }

  async function publish(form, action) {
    const status = form.querySelector(".said");
    const response = await fetch(action, {
      method: "POST", body: new FormData(form),
      headers: { "X-CSRF-Token": csrf, "X-Requested-With": "console" },
    });
    let body = {};
    try { body = await response.json(); } catch (e) { body = {}; }
    status.textContent = body.message || body.error || "";
    status.classList.toggle("problem", !response.ok);
    if (response.ok && action.endsWith("/clear")) {
      form.querySelectorAll("textarea, input:not([type=hidden])").forEach(function (f) { f.value = ""; });
    }
  }

  document.querySelectorAll("form.notice-form").forEach(function (form) {
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { preview(form); }, 700);
    });
    form.querySelector(".preview-button").addEventListener("click", function () { preview(form); });
    form.querySelector(".add-page").addEventListener("click", function (e) {
      const hidden = form.querySelector("fieldset.page[hidden]");
      if (hidden) { hidden.hidden = false; hidden.querySelector("input").focus(); }
      if (!form.querySelector("fieldset.page[hidden]")) e.target.hidden = true;
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      const action = (e.submitter && e.submitter.getAttribute("formaction")) || form.action;
      publish(form, action).then(function () { preview(form); });
    });
  });
})();

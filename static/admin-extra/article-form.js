// Editor aids on the article form: word count and reading time of the body,
// length hints for the headline and search-engine fields, and a note of who
// else has the article open. Loaded as a file: the admin allows no inline script.
"use strict";

const WORDS_PER_MINUTE = 230;

function hintFor(field, id) {
  let hint = document.getElementById(id);
  if (!hint) {
    hint = document.createElement("div");
    hint.id = id;
    hint.className = "editor-hint";
    hint.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", hint);
    const described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", described ? `${described} ${id}` : id);
  }
  return hint;
}

function lengthHints() {
  for (const field of document.querySelectorAll("[data-length-hint]")) {
    const limit = Number(field.dataset.lengthHint);
    const update = () => {
      const length = field.value.trim().length;
      const hint = hintFor(field, `${field.id}-length`);
      const over = length > limit;
      hint.classList.toggle("editor-hint--warning", over);
      hint.textContent = over
        ? `${length} characters: longer than the ${limit} that fit in search results; it will be cut off.`
        : `${length} of about ${limit} characters that fit in search results.`;
    };
    field.addEventListener("input", update);
    update();
  }
}

function wordCount() {
  const textarea = document.querySelector("textarea[data-word-count]");
  if (!textarea) return;
  const container = textarea.closest(".form-row, .fieldBox, div") || textarea.parentElement;
  const update = () => {
    const editable = container.querySelector("[contenteditable=true]");
    const text = editable ? editable.innerText : textarea.value.replace(/<[^>]*>/g, " ");
    const words = (text.match(/\S+/g) || []).length;
    const minutes = Math.max(1, Math.round(words / WORDS_PER_MINUTE));
    hintFor(container.lastElementChild || textarea, "body-word-count").textContent =
      `${words} words · about ${minutes} min read`;
  };
  container.addEventListener("input", update);
  container.addEventListener("keyup", update);
  // The rich-text editor appears after this script runs.
  setTimeout(update, 500);
  update();
}

function presence() {
  const box = document.querySelector("[data-presence-url]");
  if (!box) return;
  const refresh = async () => {
    try {
      const response = await fetch(box.dataset.presenceUrl, { credentials: "same-origin" });
      if (!response.ok) return;
      const { others } = await response.json();
      box.replaceChildren();
      if (others.length) {
        const note = document.createElement("p");
        note.className = "presence-warning";
        const names = others
          .map((o) => `${o.name} (${o.minutes ? `${o.minutes} min ago` : "just now"})`)
          .join(", ");
        note.textContent = `Also open for editing: ${names}. Save often; a save based on an outdated copy is refused.`;
        box.append(note);
      }
    } catch {
      // Presence is a courtesy; the server refuses conflicting saves anyway.
    }
  };
  setInterval(refresh, 60_000);
}

document.addEventListener("DOMContentLoaded", () => {
  lengthHints();
  wordCount();
  presence();
});

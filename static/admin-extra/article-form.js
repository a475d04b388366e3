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

// Whether the editor has changed anything in the form since it was opened.
const formState = { changed: false, listeners: [] };

function trackChanges() {
  const form = document.getElementById("article_form");
  if (!form) return;
  const changed = () => {
    const first = !formState.changed;
    formState.changed = true;
    for (const listener of formState.listeners) listener(first);
  };
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
}

function presence() {
  const box = document.querySelector("[data-presence-url]");
  if (!box) return;
  const describe = (o) =>
    `${o.name} (${o.editing ? "changing it" : "reading it"}, ${o.minutes ? `${o.minutes} min ago` : "just now"})`;
  const refresh = async () => {
    try {
      const url = `${box.dataset.presenceUrl}?editing=${formState.changed ? 1 : 0}`;
      const response = await fetch(url, { credentials: "same-origin" });
      if (!response.ok) return;
      const { others } = await response.json();
      box.replaceChildren();
      if (others.length) {
        const note = document.createElement("p");
        note.className = "presence-warning";
        note.textContent = `Also open: ${others.map(describe).join(", ")}. Save often; a save based on an outdated copy leads to a merge.`;
        box.append(note);
      }
    } catch {
      // Presence is a courtesy; the server refuses conflicting saves anyway.
    }
  };
  // Others learn at once that this editor started changing the article.
  formState.listeners.push((first) => first && refresh());
  setInterval(refresh, 60_000);
}

// The offset of a time zone from UTC at an instant, in milliseconds.
function zoneOffset(zone, instant) {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(instant));
  const part = (type) => Number(parts.find((p) => p.type === type).value);
  const asUtc = Date.UTC(
    part("year"), part("month") - 1, part("day"), part("hour"), part("minute"), part("second"),
  );
  return asUtc - instant;
}

// [year, month, day] of a date as the admin's date field holds it, or null.
function enteredDate(value) {
  const text = value.trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  if (iso) return iso.slice(1).map(Number);
  // The admin's own parser (core.js) in the site's input formats (jsi18n).
  if (typeof window.get_format !== "function" || !String.prototype.strptime) return null;
  for (const format of window.get_format("DATE_INPUT_FORMATS")) {
    if (text.split(/[.\-/]/).length !== format.split(/[.\-/]/).length) continue;
    const date = text.strptime(format);
    if (!Number.isNaN(date.getTime())) {
      return [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
    }
  }
  return null;
}

// The instant of an entered date and time ("09:00[:00]") in a zone, or null.
function zonedInstant(date, time, zone) {
  const day = enteredDate(date);
  const t = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(time.trim());
  if (!day || !t) return null;
  const wall = Date.UTC(day[0], day[1] - 1, day[2], t[1], t[2], t[3] || 0);
  const guess = wall - zoneOffset(zone, wall);
  return wall - zoneOffset(zone, guess);
}

// "Tue 5 Dec, 09:00 (Europe/London)", as the server writes it.
function zonedLabel(instant, zone) {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: zone,
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(instant));
  const part = (type) => parts.find((p) => p.type === type).value;
  return `${part("weekday")} ${part("day")} ${part("month")}, ${part("hour")}:${part("minute")} (${zone})`;
}

// The Publish button says "Schedule for …" while the entered time is ahead.
function scheduleButton() {
  const button = document.querySelector('button[name="_transition"][value="publish"]');
  const date = document.getElementById("id_publish_at_0");
  const time = document.getElementById("id_publish_at_1");
  const zoneNote = document.querySelector(".field-publish_at [data-time-zone]");
  if (!button || !date || !time || !zoneNote) return;
  const zone = zoneNote.dataset.timeZone;
  const update = () => {
    const instant = zonedInstant(date.value, time.value, zone);
    button.textContent =
      instant !== null && instant > Date.now()
        ? `Schedule for ${zonedLabel(instant, zone)}`
        : "Publish";
  };
  for (const input of [date, time]) {
    input.addEventListener("input", update);
    input.addEventListener("change", update);
  }
  // The calendar and clock shortcuts set values without events; time passes.
  setInterval(update, 1000);
  update();
}

// Autosave (articles/autosave.py): a few seconds after the editor stops
// typing, and when the tab goes away, the form goes to the editor's own
// working copy, never to the article. Leaving a changed form asks first.
const AUTOSAVE_IDLE_MS = 2000;

function autosave() {
  const form = document.getElementById("article_form");
  const status = document.querySelector("[data-autosave-url]");
  if (!form || !status) return;
  const url = status.dataset.autosaveUrl;
  let timer = null;
  let unsent = false;
  let submitting = false;
  const send = async () => {
    timer = null;
    if (submitting) return;
    unsent = false;
    try {
      const response = await fetch(url, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
      });
      const answer = await response.json();
      status.textContent = response.ok
        ? `Your unsaved changes are kept for you (${answer.saved_at}). Save to publish them to the article.`
        : `Your changes could not be kept automatically: ${answer.error || response.status}. Save soon.`;
    } catch {
      unsent = true;
      status.textContent = "Your changes could not be kept automatically (offline?). Save soon.";
    }
  };
  formState.listeners.push(() => {
    unsent = true;
    clearTimeout(timer);
    timer = setTimeout(send, AUTOSAVE_IDLE_MS);
  });
  form.addEventListener("submit", (event) => {
    // "Preview changes" opens another tab; this page stays.
    if (event.submitter && event.submitter.formTarget === "_blank") return;
    submitting = true;
  });
  window.addEventListener("beforeunload", (event) => {
    if (formState.changed && !submitting) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  window.addEventListener("pagehide", () => {
    if (unsent && !submitting) navigator.sendBeacon(url, new FormData(form));
  });
}

document.addEventListener("DOMContentLoaded", () => {
  trackChanges();
  autosave();
  lengthHints();
  wordCount();
  presence();
  scheduleButton();
});

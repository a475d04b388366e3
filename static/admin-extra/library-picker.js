// A library (images or files) in a window the body editor opened. Choosing an
// item hands its address and details back to the editor (the CKEditor
// callFunction protocol, which django-prose-editor's image dialog and our
// file-link button speak) and closes the window.
"use strict";

function hand(picker, choice) {
  const callback = Number(picker.dataset.callback);
  const editor = window.opener && window.opener.CKEDITOR;
  if (!picker.dataset.callback || !editor) return false;
  editor.tools.callFunction(callback, choice.url, {
    id: choice.id,
    alternative_text: choice.alt || "",
    caption: choice.caption || "",
    title: choice.title || "",
  });
  window.close();
  return true;
}

document.addEventListener("DOMContentLoaded", () => {
  const picker = document.querySelector("[data-library-picker]");
  if (!picker) return;
  for (const button of picker.querySelectorAll("button[data-url]")) {
    button.addEventListener("click", () => hand(picker, button.dataset));
  }
  // Just uploaded from this window: hand the new item over straight away.
  const chosen = picker.querySelector("template[data-chosen]");
  if (chosen) hand(picker, chosen.dataset);
});

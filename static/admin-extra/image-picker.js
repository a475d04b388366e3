// The image library in the body editor's "Browse…" window. Choosing an image
// hands its address, number, alt text and caption back to the editor's image
// dialog (django-prose-editor's picker protocol) and closes the window.
"use strict";

function hand(picker, choice) {
  const callback = Number(picker.dataset.callback);
  const editor = window.opener && window.opener.CKEDITOR;
  if (!picker.dataset.callback || !editor) return false;
  editor.tools.callFunction(callback, choice.url, {
    id: choice.id,
    alternative_text: choice.alt,
    caption: choice.caption,
  });
  window.close();
  return true;
}

document.addEventListener("DOMContentLoaded", () => {
  const picker = document.querySelector(".image-picker");
  if (!picker) return;
  for (const button of picker.querySelectorAll(".image-picker__choice")) {
    button.addEventListener("click", () => hand(picker, button.dataset));
  }
  // Just uploaded from this window: hand the new image over straight away.
  if (picker.dataset.chosenId) {
    hand(picker, {
      url: picker.dataset.chosenUrl,
      id: picker.dataset.chosenId,
      alt: picker.dataset.chosenAlt,
      caption: picker.dataset.chosenCaption,
    });
  }
});

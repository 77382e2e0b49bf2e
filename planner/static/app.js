// Small enhancements; every page works without this file.

// The words this file shows, in the page's language (layout.html's <body data-words>, from planner/templating.py).
const APP_WORDS = (() => {
  try {
    return JSON.parse(document.body.dataset.words || "{}");
  } catch (error) {
    return {};
  }
})();
const appWord = (key, english) => APP_WORDS[key] || english;

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy-target]");
  if (!button) return;
  const input = document.getElementById(button.dataset.copyTarget);
  if (!input) return;
  input.select();
  const done = () => { button.textContent = appWord("copied", "Copied"); setTimeout(() => { button.textContent = appWord("copy", "Copy"); }, 2000); };
  if (navigator.clipboard) navigator.clipboard.writeText(input.value).then(done, () => document.execCommand("copy") && done());
  else if (document.execCommand("copy")) done();
});

// Sign-up: the browser's own time zone, while the field still holds the page's default.
for (const input of document.querySelectorAll("input[data-browser-zone]")) {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const known = document.querySelector(`#${input.getAttribute("list")} option[value="${zone}"]`);
  if (zone && known && input.value === input.defaultValue) input.value = zone;
}

// A live region (Today) reloads when a partner changes something, but never under the
// hands of someone typing in it or with a form open in it: the next poll tries again.
document.addEventListener("htmx:beforeRequest", (event) => {
  const region = event.detail.elt;
  if (!region.matches || !region.matches("[data-live-region]")) return;
  const typing = region.contains(document.activeElement) && document.activeElement.matches("input, select, textarea");
  if (typing || region.querySelector("details[open], [data-inline-form]")) event.preventDefault();
});

// A form loaded in place of its link (Skip, Can you take it?): the focus goes to it, as it
// would on its own page.
document.addEventListener("htmx:load", (event) => {
  const form = event.target;
  if (!form.matches || !form.matches("[data-inline-form]")) return;
  const field = form.querySelector("input:not([type=hidden]):not([type=radio]), input[type=radio]:checked, select");
  if (field) field.focus();
});

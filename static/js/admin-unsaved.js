// Before leaving an admin page whose form holds changes that are not saved, the browser
// asks whether to leave: an editor never loses an edit to a stray click or a closed tab.
// A page shown again with errors holds unsaved changes from the start.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("#content-main form[method='post']");
  if (!form) {
    return;
  }
  let unsaved = document.querySelector(".errornote") !== null;
  const changed = () => {
    unsaved = true;
  };
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", () => {
    unsaved = false;
  });
  window.addEventListener("beforeunload", (event) => {
    if (unsaved) {
      event.preventDefault();
    }
  });
});

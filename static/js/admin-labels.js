// Give a field's label to the inputs that widgets add beside the field's own: the
// rich-text editor's <div contenteditable> (django-prose-editor) and the search box of an
// autocomplete (select2). Screen readers then say what each is for.
const labelFor = (field) => {
  const label = field.id && document.querySelector(`label[for="${field.id}"]`);
  if (label) {
    label.id ||= `${field.id}-label`;
  }
  return label;
};

const labelWidgets = () => {
  for (const editor of document.querySelectorAll(".prose-editor [contenteditable]")) {
    const label = labelFor(editor.closest(".prose-editor").querySelector("textarea"));
    if (label && !editor.hasAttribute("aria-labelledby")) {
      editor.setAttribute("aria-labelledby", label.id);
    }
  }
  for (const search of document.querySelectorAll(".select2-search__field")) {
    const container = search.closest(".select2-container");
    const select = container && container.previousElementSibling;
    const label = select && select.tagName === "SELECT" && labelFor(select);
    if (label && !search.hasAttribute("aria-labelledby")) {
      search.setAttribute("aria-labelledby", label.id);
    }
  }
};

document.addEventListener("DOMContentLoaded", () => {
  labelWidgets();
  // Widgets are drawn after the page loads, again as they change, and in new inline rows.
  new MutationObserver(labelWidgets).observe(document.body, { childList: true, subtree: true });
});

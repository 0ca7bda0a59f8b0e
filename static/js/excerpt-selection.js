// Selecting words of the passage (with a mouse, a finger, or the keyboard's
// shift-and-arrow selection) fills the excerpt form's character boxes. Without this
// script the form still works: the sentence lists and the boxes are plain fields.
(function () {
  "use strict";
  var passage = document.querySelector("[data-passage]");
  var form = passage && passage.parentNode.querySelector("form");
  if (!passage || !form) {
    return;
  }
  var start = form.querySelector("input[name=start]");
  var end = form.querySelector("input[name=end]");
  var exact = form.querySelector("[data-exact]");
  var status = form.querySelector("[data-selection-status]");

  function offsetOf(node, offset) {
    var element = node.nodeType === Node.TEXT_NODE ? node.parentNode : node;
    var span = element && element.closest ? element.closest("[data-start]") : null;
    if (!span || !passage.contains(span)) {
      return null;
    }
    var base = parseInt(span.getAttribute("data-start"), 10);
    if (node.nodeType !== Node.TEXT_NODE) {
      return offset === 0 ? base : base + span.textContent.length;
    }
    return base + offset;
  }

  document.addEventListener("selectionchange", function () {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) {
      return;
    }
    var range = selection.getRangeAt(0);
    var from = offsetOf(range.startContainer, range.startOffset);
    var to = offsetOf(range.endContainer, range.endOffset);
    if (from === null || to === null || to <= from) {
      return;
    }
    start.value = String(from);
    end.value = String(to);
    if (exact) {
      exact.open = true;
    }
    var words = selection.toString().replace(/\s+/g, " ").trim();
    if (words.length > 80) {
      words = words.slice(0, 79) + "…";
    }
    status.textContent = "Selected characters " + from + " to " + to + ": “" + words + "”.";
  });
})();

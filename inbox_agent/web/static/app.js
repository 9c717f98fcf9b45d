// Keyboard shortcuts for the review page: j/k next/previous, a approve, e edit, s skip.
(function () {
  "use strict";

  function typing(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    return tag === "textarea" || tag === "select" || target.isContentEditable ||
      (tag === "input" && !/^(checkbox|radio|button|submit)$/i.test(target.type));
  }

  function cards() { return Array.prototype.slice.call(document.querySelectorAll(".card")); }

  function moveInQueue(step) {
    var list = cards();
    if (!list.length) return false;
    var at = list.findIndex(function (c) { return c.classList.contains("current"); });
    var next = Math.min(list.length - 1, Math.max(0, at < 0 ? 0 : at + step));
    list.forEach(function (c) { c.classList.remove("current"); });
    list[next].classList.add("current");
    var link = list[next].querySelector("a");
    if (link) { link.focus(); }
    return true;
  }

  function follow(id) {
    var link = document.getElementById(id);
    if (link) { link.click(); return true; }
    return false;
  }

  function press(id) {
    var button = document.getElementById(id);
    if (button && !button.disabled) { button.click(); return true; }
    return false;
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target && event.target.id === "instruction") {
      // the instruction belongs to the draft's form: Enter regenerates, never approves
      event.preventDefault();
      press("regen-btn");
      return;
    }
    if (event.key === "Escape" && typing(event.target)) { event.target.blur(); return; }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var done = false;
    switch (event.key) {
      case "j": done = follow("next-link") || moveInQueue(1); break;
      case "k": done = follow("prev-link") || moveInQueue(-1); break;
      case "a": done = press("approve-btn"); break;
      case "s": done = press("skip-btn"); break;
      case "e": {
        var area = document.getElementById("draft-text");
        if (area) { area.focus(); done = true; }
        break;
      }
    }
    if (done) event.preventDefault();
  });

  // The CSRF token travels with every htmx request too (forms also carry it).
  document.addEventListener("htmx:configRequest", function (event) {
    var field = document.querySelector("input[name=csrf_token]");
    if (field) event.detail.headers["X-CSRF-Token"] = field.value;
  });
})();

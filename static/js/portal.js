// Park Portal — small progressive enhancements, no CDN, no framework.
(function () {
  "use strict";
  // Live progress for tracked tasks: <div class="task-progress" data-task-run-url=...>
  function poll(el) {
    var url = el.getAttribute("data-task-run-url");
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (run) {
        el.setAttribute("data-state", run.state);
        el.querySelector(".fill").style.width = run.progress + "%";
        el.querySelector(".percent").textContent = run.progress;
        el.querySelector(".state").textContent = run.state_display;
        el.querySelector(".message").textContent = run.message || "";
        if (run.finished) {
          el.dispatchEvent(new CustomEvent("task:finished", { bubbles: true, detail: run }));
          if (el.hasAttribute("data-reload-on-finish")) { window.location.reload(); }
        } else {
          setTimeout(function () { poll(el); }, 1000);
        }
      })
      .catch(function () { setTimeout(function () { poll(el); }, 3000); });
  }
  document.querySelectorAll(".task-progress").forEach(function (el) {
    var state = el.getAttribute("data-state");
    if (state !== "succeeded" && state !== "failed") { poll(el); }
  });

  // Main menu: grouped dropdowns (buttons, so Enter and Space open them), Escape closes and
  // gives focus back; on a phone the menu button shows the whole menu.
  var topbar = document.querySelector(".topbar");
  var toggles = Array.prototype.slice.call(document.querySelectorAll(".nav-group-toggle"));
  function closeGroups(except) {
    toggles.forEach(function (t) { if (t !== except) { t.setAttribute("aria-expanded", "false"); } });
  }
  toggles.forEach(function (toggle) {
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") === "true";
      closeGroups(toggle);
      toggle.setAttribute("aria-expanded", open ? "false" : "true");
    });
  });
  var menuButton = document.querySelector(".nav-toggle");
  if (menuButton && topbar) {
    menuButton.addEventListener("click", function () {
      var open = menuButton.getAttribute("aria-expanded") === "true";
      menuButton.setAttribute("aria-expanded", open ? "false" : "true");
      topbar.classList.toggle("nav-open", !open);
    });
  }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var open = toggles.filter(function (t) { return t.getAttribute("aria-expanded") === "true"; })[0];
    if (open) {
      open.setAttribute("aria-expanded", "false");
      open.focus();
    } else if (menuButton && topbar && topbar.classList.contains("nav-open")) {
      menuButton.click();
      menuButton.focus();
    }
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest(".nav-group")) { closeGroups(null); }
  });
  // Focus leaving a dropdown (Tab past its last entry) closes it; not in the phone's stacked
  // menu, where closing would move the next group from under the finger.
  document.querySelectorAll(".nav-group").forEach(function (group) {
    group.addEventListener("focusout", function (event) {
      var dropdown = group.querySelector(".nav-dropdown");
      if (!dropdown || window.getComputedStyle(dropdown).position !== "absolute") { return; }
      if (event.relatedTarget && !group.contains(event.relatedTarget)) {
        var toggle = group.querySelector(".nav-group-toggle");
        if (toggle) { toggle.setAttribute("aria-expanded", "false"); }
      }
    });
  });
  // "/" anywhere outside a field focuses the header's search box (keyboard-first search).
  var search = document.getElementById("global-search");
  if (search) {
    document.addEventListener("keydown", function (event) {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) { return; }
      var target = event.target;
      var tag = target && target.tagName ? target.tagName.toLowerCase() : "";
      if (tag === "input" || tag === "textarea" || tag === "select" || (target && target.isContentEditable)) { return; }
      event.preventDefault();
      search.focus();
      search.select();
    });
  }
  // Date boxes (apps.core.forms.DateTextInput) are typed 年-月-日; the button beside each opens
  // the browser's own calendar through a hidden <input type=date> and writes the ISO date back.
  document.querySelectorAll("[data-date-pick]").forEach(function (button) {
    var box = button.previousElementSibling;
    var picker = document.createElement("input");
    picker.type = "date";
    if (!box || typeof picker.showPicker !== "function") { return; }
    picker.tabIndex = -1;
    picker.setAttribute("aria-hidden", "true");
    picker.className = "date-picker-proxy";
    button.after(picker);
    button.hidden = false;
    button.addEventListener("click", function () {
      var typed = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})/.exec(box.value || "");
      picker.value = typed ? typed[1] + "-" + ("0" + typed[2]).slice(-2) + "-" + ("0" + typed[3]).slice(-2) : "";
      try { picker.showPicker(); } catch (e) { box.focus(); }
    });
    picker.addEventListener("change", function () {
      if (picker.value) { box.value = picker.value; box.dispatchEvent(new Event("change", { bubbles: true })); }
    });
  });
})();

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
})();

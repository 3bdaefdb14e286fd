// The bell keeps its count fresh without a reload: every 30 seconds while the tab is visible, and at once
// when the person comes back to the tab. The title carries the count too, for a tab in the background.
(function () {
  const bell = document.querySelector("[data-count-url]");
  if (!bell) return;
  const badge = bell.querySelector("[data-testid=unread-count]");
  const baseTitle = document.title.replace(/^\(\d+\) /, "");

  function show(unread) {
    badge.textContent = unread;
    badge.classList.toggle("d-none", unread === 0);
    document.title = unread ? `(${unread}) ${baseTitle}` : baseTitle;
  }

  async function refresh() {
    if (document.visibilityState !== "visible") return;
    try {
      const response = await fetch(bell.dataset.countUrl, { headers: { Accept: "application/json" } });
      if (response.ok && !response.redirected) show((await response.json()).unread);
    } catch (error) {
      // Offline for a moment: the next tick tries again.
    }
  }

  show(Number(badge.textContent) || 0);
  setInterval(refresh, 30000);
  document.addEventListener("visibilitychange", refresh);
  window.addEventListener("focus", refresh);
})();

// The caller's card: while a call rings this manager, the page shows who is calling without a reload. The desk
// pushes over Server-Sent Events (calls:stream); each event names a call, its state on this person's phone
// (ringing, talking, answered, missed) and the card's address, which is fetched and shown in the corner panel.
// A stream ends now and then and EventSource reconnects; the new stream tells the calls on now again, so an
// event already shown is skipped. A card the person closed stays closed, and one they left through its links
// (the customer page, a new order) stays folded to its header on the next pages, out of the form's way, for as
// long as the tab lives.
(function () {
  const panel = document.getElementById("call-panel");
  if (!panel || !window.EventSource) return;
  let shown = null;  // {call, state}: the latest told
  let asked = 0;  // the latest card asked for: a ring and its end may answer out of order
  let hideTimer = null;
  const kept = (call) => sessionStorage.getItem(`orderdesk.call.${call}`);  // "folded" or "closed"
  const keep = (call, how) => sessionStorage.setItem(`orderdesk.call.${call}`, how);

  function hide() {
    panel.innerHTML = "";
  }

  function fold(folded) {
    panel.classList.toggle("call-panel-folded", folded);
    const toggle = panel.querySelector("[data-call-fold] i");
    if (toggle) toggle.className = folded ? "bi bi-chevron-up" : "bi bi-chevron-down";
  }

  async function show(event) {
    const data = JSON.parse(event.data);
    const over = data.state === "answered" || data.state === "missed";
    if (shown && shown.call === data.call && shown.state === data.state) return;
    if (over && (!shown || shown.call !== data.call)) return;  // the end of a call this page never showed
    shown = { call: data.call, state: data.state };
    if (kept(data.call) === "closed") return;
    const mine = ++asked;
    try {
      const response = await fetch(data.card, { headers: { Accept: "text/html" } });
      if (!response.ok || response.redirected || mine !== asked) return;
      panel.innerHTML = await response.text();
      fold(kept(data.call) === "folded");
    } catch (error) {
      return;  // offline for a moment: the next event fetches the card again
    }
    clearTimeout(hideTimer);
    // A call that rang out here moves on to a colleague: its card goes after a minute.
    if (data.state === "missed") hideTimer = setTimeout(hide, 60000);
  }

  panel.addEventListener("click", function (event) {
    if (!shown) return;
    if (event.target.closest("[data-call-close]")) {
      keep(shown.call, "closed");
      hide();
    } else if (event.target.closest("[data-call-fold]")) {
      const folded = !panel.classList.contains("call-panel-folded");
      keep(shown.call, folded ? "folded" : "open");
      fold(folded);
    } else if (event.target.closest("a[href]")) {
      keep(shown.call, "folded");  // on to the caller's page or order: the card waits folded there
    }
  });

  function connect() {
    const source = new EventSource(panel.dataset.streamUrl);
    source.addEventListener("call", show);
    // A refused or failed answer (not a dropped connection, which EventSource retries itself) closes it.
    source.addEventListener("error", function () {
      if (source.readyState === EventSource.CLOSED) setTimeout(connect, 5000);
    });
  }
  connect();
})();

// The caller's card: while a call rings this manager, the page shows who is calling without a reload. The desk
// pushes over Server-Sent Events (calls:stream); each event names a call, its state on this person's phone
// (ringing, talking, answered, missed) and the card's address, which is fetched and shown in the corner panel.
// A stream ends now and then and EventSource reconnects; the new stream tells the calls on now again, so an
// event already shown is skipped.
(function () {
  const panel = document.getElementById("call-panel");
  if (!panel || !window.EventSource) return;
  let shown = null;  // {call, state} on the panel, or dismissed by the person
  let asked = 0;  // the latest card asked for: a ring and its end may answer out of order
  let hideTimer = null;

  function hide() {
    panel.innerHTML = "";
  }

  async function show(event) {
    const data = JSON.parse(event.data);
    const over = data.state === "answered" || data.state === "missed";
    if (shown && shown.call === data.call && shown.state === data.state) return;
    if (over && (!shown || shown.call !== data.call)) return;  // the end of a call this page never showed
    const dismissed = shown && shown.call === data.call && shown.dismissed;
    shown = { call: data.call, state: data.state, dismissed: dismissed };
    if (dismissed) return;
    const mine = ++asked;
    try {
      const response = await fetch(data.card, { headers: { Accept: "text/html" } });
      if (!response.ok || response.redirected || mine !== asked) return;
      panel.innerHTML = await response.text();
    } catch (error) {
      return;  // offline for a moment: the next event fetches the card again
    }
    clearTimeout(hideTimer);
    // A call that rang out here moves on to a colleague: its card goes after a minute.
    if (data.state === "missed") hideTimer = setTimeout(hide, 60000);
  }

  panel.addEventListener("click", function (event) {
    if (!event.target.closest("[data-call-close]")) return;
    if (shown) shown.dismissed = true;
    hide();
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

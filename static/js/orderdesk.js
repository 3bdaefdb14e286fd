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

// Quick due-time picks beside a due-time box. They count from the desk's clock (the server renders it; the page
// keeps it running), not the browser's zone, so a browser elsewhere still plans in desk time. They write the
// box's own format (its data-format, e.g. "%d.%m.%Y %H:%M"), the one the reader's language writes dates in.
document.querySelectorAll(".due-shortcuts").forEach(function (group) {
  const input = group.closest(".due-field").querySelector("input[data-format]");
  const deskOffset = Date.parse(group.dataset.deskNow + "Z") - Date.now();
  const pad = (n) => String(n).padStart(2, "0");
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  // Desk wall-clock arithmetic done in UTC so the browser's own zone and DST never shift it.
  const parts = (d) => ({
    d: pad(d.getUTCDate()), m: pad(d.getUTCMonth() + 1), b: months[d.getUTCMonth()], Y: String(d.getUTCFullYear()),
    y: pad(d.getUTCFullYear() % 100), H: pad(d.getUTCHours()), M: pad(d.getUTCMinutes()), S: pad(d.getUTCSeconds()),
  });
  const format = (d) => {
    const values = parts(d);
    return input.dataset.format.replace(/%([dmbYyHMS])/g, (_, code) => values[code]);
  };
  group.addEventListener("click", function (event) {
    const button = event.target.closest("button");
    if (!button) return;
    const moment = new Date(Date.now() + deskOffset);
    if (button.dataset.dueIn) {
      moment.setUTCMinutes(moment.getUTCMinutes() + Number(button.dataset.dueIn));
    } else {
      // The shop's next working day (the server reads its calendar), at the given desk time.
      const [year, month, day] = button.dataset.dueDay.split("-").map(Number);
      const [hours, minutes] = button.dataset.dueAt.split(":").map(Number);
      moment.setUTCFullYear(year, month - 1, day);
      moment.setUTCHours(hours, minutes, 0, 0);
    }
    input.value = format(moment);
  });
});

// An order has a tick in the table (laptop) and one in its card (phone), both sent with the bulk reassign
// form: ticking either ticks both, so the hidden one never sends an order the visible one left out.
function tickOrder(box, checked) {
  document.querySelectorAll('input[name=orders][form="' + box.form.id + '"]').forEach(function (twin) {
    if (twin.value === box.value) twin.checked = checked;
  });
}
document.querySelectorAll("input[name=orders][form]").forEach(function (box) {
  box.addEventListener("change", function () { tickOrder(box, box.checked); });
});

// "Tick all" in a table's header ticks the rows of that table for the bulk reassign form.
document.querySelectorAll("[data-select-all]").forEach(function (all) {
  all.addEventListener("change", function () {
    all.closest("table").querySelectorAll("input[name=orders]").forEach(function (box) {
      tickOrder(box, all.checked);
    });
  });
});

// A text box with a limit shows how much of it is used ("120 / 500") as one types.
document.querySelectorAll("[data-counter-for]").forEach(function (counter) {
  const box = document.getElementById(counter.dataset.counterFor);
  if (!box) return;
  const limit = Number(box.getAttribute("maxlength"));
  const show = () => {
    counter.textContent = `${box.value.length} / ${limit}`;
    counter.classList.toggle("text-danger", box.value.length >= limit);
  };
  box.addEventListener("input", show);
  show();
});

// The new order and edit pages: add and remove item rows without a reload (a Django formset), and show the known
// customer for the phone or email being typed.
(function () {
  const form = document.querySelector("[data-items-form]");
  if (!form) return;
  const rows = form.querySelector("[data-rows]");
  const template = form.querySelector("[data-row-template]");
  const total = form.querySelector("#id_items-TOTAL_FORMS");
  form.querySelector("[data-add-row]").addEventListener("click", function () {
    const index = Number(total.value);
    rows.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, index));
    total.value = index + 1;
    rows.lastElementChild.querySelector("input[name$=name]").focus();
  });
  // A removed row stays in sight, struck through, as the server shows it on a refused form; Keep undoes it.
  rows.addEventListener("click", function (event) {
    const button = event.target.closest("[data-remove-row], [data-keep-row]");
    if (!button) return;
    const row = button.closest("[data-row]");
    const removed = button.matches("[data-remove-row]");
    row.querySelector("input[name$=DELETE]").checked = removed;  // the formset drops it on save
    row.classList.toggle("item-removed", removed);
    row.toggleAttribute("data-removed", removed);
  });
  const known = document.getElementById("known-customer");
  if (!known) return;  // the edit page has rows but no customer lookup
  const fields = ["shop", "phone", "email"].map((name) => form.querySelector(`[name=${name}]`));
  // A known customer's name is shown, not retyped: the name field holds it, locked, until the person ticks
  // "update" (a locked field is not sent, so the desk keeps the customer as it knows them).
  const name = form.querySelector("[name=name]");
  const update = form.querySelector("[data-update-details]");
  const updateBox = update.querySelector("input");
  function showKnown() {
    const knownName = known.querySelector("[data-known-name]")?.dataset.knownName;
    update.classList.toggle("d-none", !knownName);
    if (!knownName) {
      updateBox.checked = false;
      if (name.disabled) name.value = "";
      name.disabled = false;
      return;
    }
    if (!updateBox.checked) name.value = knownName;
    name.disabled = !updateBox.checked;
  }
  let asked = 0;  // the latest lookup: typing a phone, then an email, asks twice, and answers may cross
  async function lookup() {
    const mine = ++asked;
    const query = new URLSearchParams(fields.map((field) => [field.name, field.value]));
    const response = await fetch(`${known.dataset.url}?${query}`);
    const answer = response.ok ? await response.text() : null;
    if (mine !== asked) return;  // an older answer must not replace what the latest typing found
    if (answer !== null) known.innerHTML = answer;
    showKnown();
  }
  fields.forEach((field) => field.addEventListener("change", lookup));
  updateBox.addEventListener("change", showKnown);
  if (fields[1].value || fields[2].value) lookup();
})();

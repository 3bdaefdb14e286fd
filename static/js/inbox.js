// A conversation its manager opens is read: the page posts "Mark read" once it has loaded (a GET records nothing),
// and the button goes away; without JavaScript the button does it.
document.querySelectorAll("form[data-mark-read]").forEach(async function (form) {
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    });
    if (response.ok) {
      form.remove();
      document.querySelectorAll("[data-testid=unread]").forEach((badge) => badge.remove());
    }
  } catch (error) {
    // Offline for a moment: the button stays.
  }
});

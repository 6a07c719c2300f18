// Progressive enhancement of the public page: choosing a territory re-renders every time at once
// (the form still works without JavaScript, through ?fuseau=).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const select = document.getElementById("zone");
  const status = document.getElementById("zone-status");
  if (!select || !status || !window.Intl) return;
  const locale = status.dataset.locale || "fr-FR";
  const show = (zone) => {
    const day = new Intl.DateTimeFormat(locale, { timeZone: zone, weekday: "short", day: "numeric", month: "short", year: "numeric" });
    const hour = new Intl.DateTimeFormat(locale, { timeZone: zone, hour: "2-digit", minute: "2-digit", hour12: false });
    for (const node of document.querySelectorAll("time.when")) {
      const start = new Date(node.dataset.start);
      const end = new Date(node.dataset.end);
      node.textContent = `${day.format(start)}, ${hour.format(start)}–${hour.format(end)}`;
    }
    const label = select.options[select.selectedIndex].text;
    status.textContent = status.dataset.template.replace("%s", label);
    const url = new URL(window.location.href);
    url.searchParams.set(select.name, zone);
    window.history.replaceState(null, "", url);
  };
  select.addEventListener("change", () => show(select.value));
});

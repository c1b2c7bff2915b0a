// almanac's page: narrows the list by the filter, offers the filtered and
// the ticked talks as calendars, keeps the choice in the page's URL, and
// switches times between the event's zone and the reader's. Without it the
// page works as plain forms and links.
(() => {
  const base = document.body.dataset.base;
  const title = document.body.dataset.title;
  const fold = (s) => s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/\s+/g, " ").trim();
  const isWord = (c) => c !== undefined && /[\p{L}\p{N}]/u.test(c);
  const hasWords = (text, words) => {
    for (let i = text.indexOf(words); i >= 0; i = text.indexOf(words, i + 1)) {
      if (!isWord(text[i - 1]) && !isWord(text[i + words.length])) return true;
    }
    return false;
  };
  const filter = document.getElementById("filter");
  const talks = [...document.querySelectorAll("li.talk")];
  const boxes = [...document.querySelectorAll("li.talk input[type=checkbox]")];
  const zone = document.getElementById("zone");
  let local = false;

  const setLinks = (id, url, name) => {
    const links = document.getElementById(id);
    const webcal = url.replace(/^https?:/, "webcal:");
    links.querySelector(".webcal").href = webcal;
    links.querySelector(".google").href = "https://calendar.google.com/calendar/r?cid=" + encodeURIComponent(webcal);
    links.querySelector(".outlook").href =
      "https://outlook.live.com/calendar/0/addfromweb?url=" + encodeURIComponent(url) + "&name=" + encodeURIComponent(name);
    links.querySelector(".download").href = url;
  };

  const update = () => {
    const track = fold(filter.track.value);
    const speaker = fold(filter.speaker.value);
    const text = fold(filter.q.value);
    let shown = 0;
    for (const li of talks) {
      const speakers = li.dataset.speakers ? li.dataset.speakers.split("|") : [];
      const ok =
        (!track || fold(li.dataset.track) === track) &&
        (!speaker || speakers.some((s) => hasWords(s, speaker))) &&
        (!text || (fold(li.querySelector("a[id^=n-]").textContent) + " " + speakers.join(" ")).includes(text));
      li.hidden = !ok;
      if (ok) shown++;
    }
    for (const section of document.querySelectorAll("main section")) {
      section.hidden = !section.querySelector("li.talk:not([hidden])");
    }
    const query = new URLSearchParams();
    for (const key of ["track", "speaker", "q"]) {
      if (filter[key].value.trim()) query.set(key, filter[key].value.trim());
    }
    const filtering = query.toString() !== "";
    document.getElementById("filtered").hidden = !filtering;
    document.getElementById("shown").textContent = shown + (shown === 1 ? " talk" : " talks");
    if (filtering) setLinks("filtered-links", base + "/calendar.ics?" + query, title + " (filtered)");
    const ids = boxes.filter((b) => b.checked).map((b) => b.value);
    document.getElementById("chosen").hidden = ids.length === 0;
    document.getElementById("ticked").textContent = ids.length + (ids.length === 1 ? " talk" : " talks");
    if (ids.length) setLinks("chosen-links", base + "/my.ics?talks=" + ids.join(","), title + " (my talks)");
    // The page's own URL keeps the choice, to bookmark and share.
    const page = new URLSearchParams(query);
    if (ids.length) page.set("talks", ids.join(","));
    if (local) page.set("zone", "mine");
    const search = page.toString();
    history.replaceState(null, "", location.pathname + (search ? "?" + search.replace(/%2C/g, ",") : ""));
  };

  const showZone = () => {
    for (const t of document.querySelectorAll("time[datetime]")) {
      if (t.dataset.event === undefined) t.dataset.event = t.textContent;
      if (!local) {
        t.textContent = t.dataset.event;
        continue;
      }
      const hm = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
      const start = new Date(t.dateTime), end = new Date(t.dataset.end);
      const day = start.toLocaleDateString(undefined, { weekday: "short", month: "short", day: "numeric" });
      const zoneName = new Intl.DateTimeFormat(undefined, { timeZoneName: "short" })
        .formatToParts(start).find((p) => p.type === "timeZoneName").value;
      t.textContent = day + " " + start.toLocaleTimeString(undefined, hm) + "–" + end.toLocaleTimeString(undefined, hm) + " " + zoneName;
    }
    zone.setAttribute("aria-pressed", String(local));
    zone.textContent = local ? "Show times in each event's time zone" : "Show times in my time zone";
  };

  const given = new URLSearchParams(location.search);
  for (const key of ["track", "speaker", "q"]) {
    if (given.has(key)) filter[key].value = given.get(key);
  }
  const chosen = new Set((given.get("talks") || "").split(",").filter(Boolean));
  for (const b of boxes) b.checked = chosen.has(b.value);
  local = given.get("zone") === "mine";
  zone.hidden = false;
  zone.addEventListener("click", () => {
    local = !local;
    showZone();
    update();
  });
  filter.addEventListener("input", update);
  filter.addEventListener("change", update);
  for (const b of boxes) b.addEventListener("change", update);
  showZone();
  update();
})();

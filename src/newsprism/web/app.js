/*
 * newsprism web page: browse stories, read briefs, follow every citation.
 *
 * Everything shown comes from the JSON API and is untrusted (article text, titles,
 * outlets and URLs are whatever was ingested). The DOM is therefore built only with
 * createElement / textContent / append(string): no innerHTML, no inline handlers, and
 * links to sources are rendered only for http(s) URLs. The page is served with a
 * Content-Security-Policy that forbids inline scripts as a second line of defence.
 *
 * Routes (hash based, so every view is a real link):
 *   #/?q=&outlet=&since=&page=        story list (with search) and the "add articles" form
 *   #/stories/ID                      a story's brief
 *   #/stories/ID/cite/ARTICLE/S/E     the brief with the source article open at [S, E)
 *   #/adhoc, #/adhoc/cite/ARTICLE/S/E a brief made without storing (from the form)
 */
"use strict";

(function () {
  const PAGE_SIZE = 20;
  const main = document.getElementById("main");
  const healthBadge = document.getElementById("health");
  let health = null;
  let current = null; // {key, id, summary, brief, base, articles, byId}
  let adhocBrief = null;

  // ---------------------------------------------------------------- DOM helpers
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    append(node, children);
    return node;
  }

  function append(node, children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : String(child)); // strings become text nodes
    }
    return node;
  }

  /** An http(s) URL safe to link to, else null (javascript:, data:, relative...). */
  function safeUrl(value) {
    if (typeof value !== "string") return null;
    try {
      const url = new URL(value);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (_error) {
      return null;
    }
  }

  const enc = encodeURIComponent;

  function plural(n, one, many) {
    return `${n} ${n === 1 ? one : many || one + "s"}`;
  }

  function formatTime(iso) {
    if (!iso) return "";
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? String(iso) : date.toLocaleString();
  }

  // ---------------------------------------------------------------- API
  class ApiError extends Error {
    constructor(status, detail) {
      super(detail || `HTTP ${status}`);
      this.status = status;
    }
  }

  async function api(path, options) {
    const response = await fetch(path, options);
    let body = null;
    try {
      body = await response.json();
    } catch (_error) {
      body = null;
    }
    if (!response.ok) {
      const detail = body && typeof body.detail === "string" ? body.detail : response.statusText;
      throw new ApiError(response.status, detail);
    }
    return body;
  }

  function writeHeaders(extra) {
    const headers = Object.assign({}, extra || {});
    const token = sessionStorage.getItem("newsprism-token");
    if (token) headers.Authorization = `Bearer ${token}`;
    return headers;
  }

  // ---------------------------------------------------------------- health
  async function pollHealth() {
    try {
      health = await api("/api/health");
      const text = {
        ok: "",
        starting: "loading models…",
        degraded: `models failed: ${health.error || "unknown error"}`,
      }[health.status];
      healthBadge.textContent = text;
      healthBadge.className = `health ${health.status}`;
      if (health.status === "starting") setTimeout(pollHealth, 2000);
    } catch (_error) {
      healthBadge.textContent = "service unreachable";
      healthBadge.className = "health degraded";
      setTimeout(pollHealth, 5000);
    }
  }

  // ---------------------------------------------------------------- router
  function parseRoute() {
    const hash = location.hash || "#/";
    if (!hash.startsWith("#/")) return null; // e.g. the skip link (#main)
    const [path, query] = hash.slice(2).split("?");
    const parts = path.split("/").filter(Boolean).map((p) => decodeURIComponent(p));
    return { parts, params: new URLSearchParams(query || "") };
  }

  function citeFrom(parts, at) {
    if (parts[at] !== "cite" || parts.length < at + 4) return null;
    const start = Number(parts[at + 2]);
    const end = Number(parts[at + 3]);
    if (!Number.isInteger(start) || !Number.isInteger(end)) return null;
    return { article_id: parts[at + 1], start, end };
  }

  async function route() {
    const parsed = parseRoute();
    if (!parsed) return;
    const { parts, params } = parsed;
    try {
      if (parts[0] === "stories" && parts[1]) {
        await showStory(parts[1], citeFrom(parts, 2));
      } else if (parts[0] === "adhoc") {
        showAdhoc(citeFrom(parts, 1));
      } else {
        current = null;
        await showList(params);
      }
    } catch (error) {
      current = null;
      main.replaceChildren(
        el("h1", {}, "Something went wrong"),
        el("p", { class: "error", role: "alert" }, error.message),
        el("p", {}, el("a", { href: "#/" }, "Back to the stories")),
      );
    }
  }

  // ---------------------------------------------------------------- story list
  async function showList(params) {
    const q = params.get("q") || "";
    const outlet = params.get("outlet") || "";
    const since = params.get("since") || "";
    const page = Math.max(0, Number(params.get("page")) || 0);
    const query = new URLSearchParams({ limit: PAGE_SIZE, offset: page * PAGE_SIZE });
    if (q) query.set("q", q);
    if (outlet) query.set("outlet", outlet);
    if (since) query.set("since", since);
    const list = await api(`/api/stories?${query}`);
    document.title = "newsprism: stories";

    const search = el(
      "form",
      { class: "search", role: "search", "aria-label": "Search stories" },
      el("label", {}, "Text ", el("input", { type: "search", name: "q", value: q })),
      el("label", {}, "Outlet ", el("input", { type: "text", name: "outlet", value: outlet })),
      el("label", {}, "Updated since ", el("input", { type: "date", name: "since", value: since })),
      el("button", { type: "submit" }, "Search"),
    );
    search.addEventListener("submit", (event) => {
      event.preventDefault();
      const data = new FormData(search);
      const next = new URLSearchParams();
      for (const key of ["q", "outlet", "since"]) {
        const value = String(data.get(key) || "").trim();
        if (value) next.set(key, value);
      }
      location.hash = `#/?${next}`;
    });

    const items = list.stories.map((story) =>
      el(
        "li",
        { class: "story-item" },
        el("a", { class: "story-link", href: `#/stories/${enc(story.id)}` }, story.title || "(untitled story)"),
        el(
          "p",
          { class: "story-meta" },
          el("span", { class: "size" }, plural(story.size, "article")),
          " · ",
          plural(story.outlets.length, "outlet"),
          " · updated ",
          el("time", { datetime: story.updated }, formatTime(story.updated)),
        ),
        el("p", { class: "chips" }, story.outlets.map((o) => [el("span", { class: "chip" }, o), " "])),
      ),
    );

    const pager = el("nav", { class: "pager", "aria-label": "Pages" });
    const pageLink = (n, label) => {
      const next = new URLSearchParams(params);
      next.set("page", n);
      return el("a", { href: `#/?${next}`, class: "button" }, label);
    };
    if (page > 0) pager.append(pageLink(page - 1, "Newer stories"));
    if ((page + 1) * PAGE_SIZE < list.total) pager.append(pageLink(page + 1, "Older stories"));

    const filtered = q || outlet || since;
    main.replaceChildren(
      el("h1", {}, "Stories"),
      search,
      el(
        "p",
        { class: "count", id: "story-count" },
        filtered ? `${plural(list.total, "story", "stories")} match` : plural(list.total, "story", "stories"),
      ),
      items.length
        ? el("ul", { class: "stories", id: "stories" }, items)
        : el("p", { class: "empty", id: "stories" }, "No stories yet. Add articles below."),
      pager,
      addArticlesSection(),
    );
  }

  // ---------------------------------------------------------------- add articles
  function addArticlesSection() {
    const status = el("div", { id: "job-status", class: "job-status", role: "status", "aria-live": "polite" });
    const tokenField =
      health && health.write_token_required
        ? el(
            "label",
            { class: "token" },
            "API token (needed to add articles) ",
            el("input", {
              type: "password",
              name: "token",
              id: "api-token",
              autocomplete: "off",
              value: sessionStorage.getItem("newsprism-token") || "",
              onchange: (event) => sessionStorage.setItem("newsprism-token", event.target.value),
            }),
          )
        : null;

    const paste = el(
      "form",
      { id: "add-paste", class: "add-form", "aria-labelledby": "h-paste" },
      el("h3", { id: "h-paste" }, "Paste an article"),
      el("label", {}, "Outlet ", el("input", { name: "outlet", required: true, maxlength: 200 })),
      el("label", {}, "Title ", el("input", { name: "title", maxlength: 1000 })),
      el("label", {}, "URL ", el("input", { name: "url", type: "url", maxlength: 2000 })),
      el("label", {}, "Published ", el("input", { name: "published", type: "date" })),
      el("label", { class: "wide" }, "Text ", el("textarea", { name: "text", rows: 8, required: true })),
      el(
        "p",
        { class: "actions" },
        el("button", { type: "submit", name: "action", value: "store" }, "Add to the store"),
        el("button", { type: "submit", name: "action", value: "brief", class: "secondary" }, "Brief without storing"),
      ),
    );
    paste.addEventListener("submit", async (event) => {
      event.preventDefault();
      const data = new FormData(paste);
      const article = {};
      for (const key of ["outlet", "title", "url", "published", "text"]) {
        const value = String(data.get(key) || "").trim();
        if (value) article[key] = value;
      }
      const action = event.submitter ? event.submitter.value : "store";
      if (action === "brief") {
        await briefWithoutStoring([article], status);
        return;
      }
      await startJob(
        "/api/ingest",
        { method: "POST", headers: writeHeaders({ "Content-Type": "application/json" }), body: JSON.stringify({ articles: [article] }) },
        status,
        () => paste.reset(),
      );
    });

    const upload = el(
      "form",
      { id: "add-files", class: "add-form", "aria-labelledby": "h-files" },
      el("h3", { id: "h-files" }, "Upload files"),
      el(
        "label",
        { class: "wide" },
        "Article files (.txt, .html, .json, .jsonl, feeds, WARC or archives) ",
        el("input", { type: "file", name: "files", multiple: true, required: true }),
      ),
      el("p", { class: "actions" }, el("button", { type: "submit" }, "Upload and add")),
    );
    upload.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = new FormData();
      for (const file of upload.elements.files.files) body.append("files", file, file.name);
      await startJob("/api/ingest/files", { method: "POST", headers: writeHeaders(), body }, status, () =>
        upload.reset(),
      );
    });

    return el(
      "section",
      { id: "add", class: "add", "aria-labelledby": "h-add" },
      el("h2", { id: "h-add" }, "Add articles"),
      el("p", { class: "hint" }, "Articles are cleaned, grouped into stories and briefed in the background."),
      tokenField,
      el("div", { class: "add-forms" }, paste, upload),
      status,
    );
  }

  async function startJob(url, options, status, onAccepted) {
    status.replaceChildren(el("p", {}, "Sending…"));
    let job;
    try {
      job = await api(url, options);
    } catch (error) {
      status.replaceChildren(el("p", { class: "error", role: "alert" }, error.message));
      return;
    }
    onAccepted();
    const bar = el("progress", { max: 1, value: 0, "aria-label": "Ingest progress" });
    const label = el("span", { class: "job-label" }, "queued");
    status.replaceChildren(el("p", {}, bar, " ", label));
    for (;;) {
      try {
        job = await api(job.url);
      } catch (error) {
        status.replaceChildren(el("p", { class: "error", role: "alert" }, error.message));
        return;
      }
      if (job.total > 0) {
        bar.max = job.total;
        bar.value = job.done;
      } else {
        bar.removeAttribute("value"); // indeterminate
      }
      label.textContent = job.total > 0 ? `${job.stage}: ${job.done} of ${job.total}` : job.stage;
      if (job.state === "done" || job.state === "failed") break;
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
    if (job.state === "failed") {
      status.replaceChildren(el("p", { class: "error", role: "alert" }, `Adding failed: ${job.error}`));
      return;
    }
    status.replaceChildren(jobSummary(job.result));
    const parsed = parseRoute();
    if (parsed && parsed.parts.length === 0) {
      await refreshList(parsed.params);
    }
  }

  async function refreshList(params) {
    const keep = document.getElementById("job-status");
    const summary = keep ? Array.from(keep.childNodes) : [];
    await showList(params);
    const fresh = document.getElementById("job-status");
    if (fresh) fresh.replaceChildren(...summary);
  }

  function jobSummary(report) {
    const parts = [
      `Done: read ${plural(report.read, "article")}, ${report.new_articles} new, ${report.duplicates} already stored`,
      `; ${plural(report.new_stories.length, "new story", "new stories")}`,
      `, ${plural(report.updated_stories.length, "updated story", "updated stories")}.`,
    ];
    const box = el("div", { class: "job-done" }, el("p", { id: "job-done" }, parts.join("")));
    const stories = report.new_stories.concat(report.updated_stories);
    if (stories.length) {
      box.append(
        el(
          "ul",
          { class: "plain" },
          stories.slice(0, 10).map((id) => el("li", {}, el("a", { href: `#/stories/${enc(id)}` }, `Open story ${id}`))),
        ),
      );
    }
    if (report.skipped.length) {
      box.append(
        el("p", {}, `Skipped ${plural(report.skipped.length, "input")}:`),
        el(
          "ul",
          { class: "plain skipped" },
          report.skipped.slice(0, 20).map((s) => el("li", {}, el("code", {}, s.source), ": ", s.reason)),
        ),
      );
    }
    return box;
  }

  async function briefWithoutStoring(articles, status) {
    status.replaceChildren(el("p", {}, el("progress", { "aria-label": "Briefing" }), " briefing…"));
    try {
      adhocBrief = await api("/api/brief", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ articles }),
      });
    } catch (error) {
      status.replaceChildren(el("p", { class: "error", role: "alert" }, error.message));
      return;
    }
    status.replaceChildren();
    location.hash = "#/adhoc";
  }

  // ---------------------------------------------------------------- story view
  async function showStory(id, cite) {
    const key = `story:${id}`;
    if (!current || current.key !== key) {
      main.replaceChildren(el("p", { class: "loading" }, "Loading the brief…"));
      const [summary, brief] = await Promise.all([
        api(`/api/stories/${enc(id)}`),
        api(`/api/stories/${enc(id)}/brief`),
      ]);
      current = makeContext(key, brief, summary, `#/stories/${enc(id)}`, id);
      renderStory(current);
    }
    await showCitation(cite);
  }

  function showAdhoc(cite) {
    if (!adhocBrief) {
      main.replaceChildren(
        el("h1", {}, "No brief yet"),
        el("p", {}, "Paste articles in the form on the ", el("a", { href: "#/" }, "stories page"), " and choose “Brief without storing”."),
      );
      return;
    }
    if (!current || current.key !== "adhoc" || current.brief !== adhocBrief) {
      current = makeContext("adhoc", adhocBrief, null, "#/adhoc", null);
      renderStory(current);
    }
    return showCitation(cite);
  }

  function makeContext(key, brief, summary, base, id) {
    const byId = new Map(brief.articles.map((a) => [a.id, a]));
    return { key, id, brief, summary, base, byId, articles: null };
  }

  async function showCitation(cite) {
    if (cite) {
      await openReader(current, cite);
    } else {
      closeReader();
    }
  }

  function renderStory(ctx) {
    const { brief, summary } = ctx;
    const outlets = brief.outlets || [];
    const title = summary ? summary.title || "(untitled story)" : "Brief (not stored)";
    document.title = `newsprism: ${title}`;
    const sections = [
      pointsSection(ctx),
      uniqueSection(ctx),
      quotesSection(ctx),
      divergencesSection(ctx),
      omissionsSection(ctx),
      framingSection(ctx),
      timelineSection(ctx),
      entitiesSection(ctx),
      sourcesSection(ctx),
    ].filter(Boolean);
    const toc = el(
      "nav",
      { class: "toc", "aria-label": "Sections" },
      el(
        "ul",
        {},
        sections.map((s) => el("li", {}, el("button", { type: "button", class: "link", onclick: () => jumpTo(s.id) }, s.dataset.label))),
      ),
    );
    const header = el(
      "header",
      { class: "story-header" },
      el("p", { class: "crumbs" }, el("a", { href: "#/" }, "← All stories")),
      el("h1", { id: "story-title" }, title),
      el(
        "p",
        { class: "story-meta" },
        plural(brief.articles.length, "article"),
        " from ",
        plural(outlets.length, "outlet"),
        summary ? [" · updated ", el("time", { datetime: summary.updated }, formatTime(summary.updated))] : null,
      ),
      el("p", { class: "chips" }, outlets.map((o) => [el("span", { class: "chip" }, o), " "])),
    );
    const reader = el("aside", { id: "reader", class: "reader", hidden: true, "aria-labelledby": "reader-title" });
    main.replaceChildren(
      el("div", { class: "story-layout" }, el("div", { class: "brief", id: "brief" }, header, toc, sections), reader),
    );
  }

  function jumpTo(id) {
    const target = document.getElementById(id);
    if (!target) return;
    target.scrollIntoView({ block: "start" });
    const heading = target.querySelector("h2");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
  }

  function section(id, label, ...content) {
    const node = el("section", { id, class: "brief-section", "aria-labelledby": `${id}-h` }, el("h2", { id: `${id}-h` }, label), content);
    node.dataset.label = label;
    return node;
  }

  function citeHref(ctx, span) {
    return `${ctx.base}/cite/${enc(span.article_id)}/${span.start}/${span.end}`;
  }

  /** A link that opens the cited passage; labelled with the outlet unless told otherwise. */
  function citeLink(ctx, span, label) {
    const article = ctx.byId.get(span.article_id);
    const outlet = article ? article.outlet : "unknown article";
    const what = article && article.title ? `${outlet}: ${article.title}` : outlet;
    return el(
      "a",
      {
        class: "cite",
        href: citeHref(ctx, span),
        title: `Open the passage in ${what}`,
        "data-article": span.article_id,
        "data-start": span.start,
        "data-end": span.end,
      },
      label || outlet,
    );
  }

  function citeLinks(ctx, spans) {
    const seen = new Set();
    const links = [];
    for (const span of spans || []) {
      const key = `${span.article_id}:${span.start}:${span.end}`;
      if (seen.has(key)) continue;
      seen.add(key);
      links.push(citeLink(ctx, span), " "); // spaces let a long row of links wrap
    }
    return el("span", { class: "cites" }, links);
  }

  function chips(outlets) {
    return el("span", { class: "chips" }, (outlets || []).map((o) => [el("span", { class: "chip" }, o), " "]));
  }

  function pointsSection(ctx) {
    const all = ctx.brief.outlets || [];
    const items = ctx.brief.points.map((point) => {
      const missing = all.filter((o) => !point.outlets.includes(o));
      const tip = `Reported by ${plural(point.support, "independent outlet")} of ${all.length}`;
      return el(
        "li",
        { class: "point" },
        el("span", { class: `badge support-${Math.min(point.support, 5)}`, title: tip }, `${point.support}/${all.length}`),
        el("span", { class: "point-text" }, point.text),
        el(
          "span",
          { class: "point-sources" },
          el("span", { class: "sr-only" }, "Sources: "),
          citeLinks(ctx, point.citations),
        ),
        el(
          "span",
          { class: "support-detail", role: "note" },
          `${tip}: `,
          chips(point.outlets),
          missing.length ? [" Not reported by: ", chips(missing)] : null,
        ),
      );
    });
    return section(
      "points",
      "What the outlets report",
      el("p", { class: "hint" }, "The badge counts independent outlets (wire copy reprinted counts once). Each outlet link opens its sentence."),
      items.length ? el("ol", { class: "points" }, items) : el("p", { class: "empty" }, "No points."),
    );
  }

  // A sentence that shares its point with other outlets is listed for the names and
  // numbers no other outlet states: show them, each linking to its passage.
  function onlyHere(ctx, report) {
    const highlights = report.highlights || [];
    if (!highlights.length) return null;
    return el(
      "span",
      { class: "only-here" },
      " only here: ",
      highlights.map((h) => [citeLink(ctx, h.citation, h.text), " "]),
    );
  }

  function uniqueSection(ctx) {
    const unique = ctx.brief.unique || [];
    if (!unique.length) return null;
    const byOutlet = new Map();
    for (const report of unique) {
      if (!byOutlet.has(report.outlet)) byOutlet.set(report.outlet, []);
      byOutlet.get(report.outlet).push(report);
    }
    const groups = Array.from(byOutlet, ([outlet, reports]) =>
      el(
        "div",
        { class: "unique-outlet" },
        el("h3", {}, outlet),
        el("ul", { class: "plain" }, reports.map((r) => el("li", {}, r.text, " ", citeLinks(ctx, r.citations), onlyHere(ctx, r)))),
      ),
    );
    return section("unique", "Only one outlet reports", groups);
  }

  // Word-level differences between a quote's ledger wording and one outlet's variant,
  // from the longest common subsequence of words: the variant's own words are "added",
  // ledger words it leaves out are "missing" (shown struck through, between its words).
  function diffWords(reference, variant) {
    const ref = reference.split(/\s+/).filter(Boolean);
    const words = variant.split(/\s+/).filter(Boolean);
    const n = ref.length;
    const m = words.length;
    if (n * m > 250000) return [{ text: variant, kind: "same" }];
    const table = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        table[i][j] = ref[i] === words[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
      }
    }
    const parts = [];
    const push = (text, kind) => {
      const last = parts[parts.length - 1];
      if (last && last.kind === kind) last.text += ` ${text}`;
      else parts.push({ text, kind });
    };
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && ref[i] === words[j]) {
        push(words[j], "same");
        i++;
        j++;
      } else if (j < m && (i >= n || table[i][j + 1] >= table[i + 1][j])) {
        push(words[j], "added");
        j++;
      } else {
        push(ref[i], "missing");
        i++;
      }
    }
    return parts;
  }

  function diffNodes(reference, variant) {
    return diffWords(reference, variant).map((part, index) => {
      const gap = index ? " " : "";
      if (part.kind === "added") return [gap, el("mark", { class: "diff", title: "only in this wording" }, part.text)];
      if (part.kind === "missing") {
        return [gap, el("del", { class: "diff-missing", title: "left out of this wording" }, part.text)];
      }
      return [gap, part.text];
    });
  }

  function quotesSection(ctx) {
    const quotes = ctx.brief.quotes || [];
    if (!quotes.length) return null;
    const items = quotes.map((group) => {
      const speaker = group.speaker || {};
      const distinct = new Set((group.variants || []).map((v) => `${v.direct !== false}|${v.text}`));
      const variants =
        distinct.size > 1
          ? el(
              "table",
              { class: "variants" },
              el("caption", {}, "Wording by outlet: words only in that wording highlighted, ledger words it leaves out struck through"),
              el("tbody", {}, group.variants.map((v) =>
                el(
                  "tr",
                  {},
                  el("th", { scope: "row" }, v.outlet),
                  el(
                    "td",
                    {},
                    v.direct === false ? "reported: " : "“",
                    diffNodes(group.text, v.text),
                    v.direct === false ? " " : "” ",
                    citeLink(ctx, v.citation, "passage"),
                  ),
                ),
              )),
            )
          : null;
      return el(
        "li",
        { class: "quote" },
        el(
          "p",
          { class: "quote-head" },
          el("span", { class: "speaker" }, speaker.name || "Unnamed speaker"),
          speaker.role ? el("span", { class: "role" }, ` (${speaker.role})`) : null,
          speaker.citation ? [" ", citeLink(ctx, speaker.citation, "named here")] : null,
          el("span", { class: `tag ${group.direct ? "direct" : "reported"}` }, group.direct ? "direct quote" : "reported speech"),
        ),
        el("blockquote", {}, group.direct ? `“${group.text}”` : group.text),
        el("p", { class: "quote-sources" }, plural(group.outlets.length, "outlet"), ": ", citeLinks(ctx, group.citations)),
        variants,
      );
    });
    return section("quotes", "Who said what", el("ul", { class: "ledger plain" }, items));
  }

  function withValue(text, value) {
    const at = value ? text.indexOf(value) : -1;
    if (at < 0) return [text];
    return [text.slice(0, at), el("strong", { class: "value" }, value), text.slice(at + value.length)];
  }

  function divergencesSection(ctx) {
    const divergences = ctx.brief.divergences || [];
    if (!divergences.length) return null;
    const tables = divergences.map((d) => {
      const byOutlet = new Map();
      for (const answer of d.answers) {
        if (!byOutlet.has(answer.outlet)) byOutlet.set(answer.outlet, []);
        byOutlet.get(answer.outlet).push(answer);
      }
      const outlets = Array.from(byOutlet.keys());
      const cells = (make) => outlets.map((o) => el("td", {}, byOutlet.get(o).map(make)));
      return el(
        "div",
        { class: "table-wrap" },
        el(
          "table",
          { class: "divergence" },
          el("caption", {}, d.question, " ", el("span", { class: `tag ${d.conflict ? "conflict" : "compatible"}` }, d.conflict ? "outlets disagree" : d.kind === "quantity" ? "compatible wordings" : "wordings compared")),
          el("thead", {}, el("tr", {}, el("td", {}), outlets.map((o) => el("th", { scope: "col" }, o)))),
          el(
            "tbody",
            {},
            el("tr", {}, el("th", { scope: "row" }, "Says"), cells((a) => el("p", {}, a.value ? a.value : a.text))),
            el("tr", {}, el("th", { scope: "row" }, "In context"), cells((a) => el("p", {}, withValue(a.text, a.value), " ", citeLinks(ctx, a.citations.slice(-1))))),
          ),
        ),
      );
    });
    return section("divergences", "Where outlets differ", tables);
  }

  // The omission matrix: for each point most outlets report, who carries it (a link to
  // that outlet's sentence) and who leaves it out.
  function omissionsSection(ctx) {
    const omissions = ctx.brief.omissions || [];
    if (!omissions.length) return null;
    const outlets = ctx.brief.outlets || [];
    const rows = omissions.map((row) => {
      const cited = new Map();
      for (const span of row.citations || []) {
        const article = ctx.byId.get(span.article_id);
        if (article && !cited.has(article.outlet)) cited.set(article.outlet, span);
      }
      const cells = outlets.map((outlet) => {
        if ((row.omitted_by || []).includes(outlet)) {
          return el("td", { class: "omitted" }, el("span", { class: "tag conflict" }, "leaves out"));
        }
        const span = cited.get(outlet);
        if (span) return el("td", { class: "reported" }, citeLink(ctx, span, "reports"));
        return el("td", { class: "muted" }, (row.reported_by || []).includes(outlet) ? "reports" : "—");
      });
      return el(
        "tr",
        {},
        el("th", { scope: "row" }, el("span", { class: "badge" }, `${row.support}/${outlets.length}`), " ", row.text),
        cells,
      );
    });
    return section(
      "omissions",
      "What some outlets leave out",
      el("p", { class: "hint" }, "Points most outlets report, and the outlets that do not."),
      el(
        "div",
        { class: "table-wrap" },
        el(
          "table",
          { class: "omissions" },
          el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Point"), outlets.map((o) => el("th", { scope: "col" }, o)))),
          el("tbody", {}, rows),
        ),
      ),
    );
  }

  function framingItems(ctx, label, items) {
    if (!items || !items.length) return null;
    const byCategory = new Map();
    for (const item of items) {
      const key = item.category || "other";
      if (!byCategory.has(key)) byCategory.set(key, []);
      byCategory.get(key).push(item);
    }
    return el(
      "div",
      { class: "framing-items" },
      el("h4", {}, label),
      el(
        "ul",
        { class: "plain" },
        Array.from(byCategory, ([category, list]) =>
          el(
            "li",
            {},
            el("span", { class: "tag" }, humanise(category)),
            " ",
            list.map((item) => [citeLink(ctx, item.citation, item.quoted ? `“${item.text}”` : item.text), " "]),
          ),
        ),
      ),
    );
  }

  // Framing: per article, what it spends its words on and how it attributes and
  // characterises; shown side by side as a comparison, never as a bias label.
  function framingSection(ctx) {
    const profiles = ctx.brief.framing || [];
    if (!profiles.length) return null;
    const cards = profiles.map((profile) => {
      const article = ctx.byId.get(profile.article_id);
      const aspects = (profile.aspects || []).map((a) =>
        el(
          "li",
          {},
          el("span", { class: "aspect-name" }, humanise(a.aspect)),
          " ",
          el("meter", { min: 0, max: 1, value: a.share, title: `${Math.round(a.share * 100)}% of the words` }),
          ` ${Math.round(a.share * 100)}% `,
          (a.citations || []).slice(0, 4).map((span, k) => [citeLink(ctx, span, String(k + 1)), " "]),
        ),
      );
      return el(
        "article",
        { class: "framing-card" },
        el("h3", {}, profile.outlet),
        article && article.title ? el("p", { class: "muted" }, article.title) : null,
        el("p", { class: "muted" }, plural(profile.words, "word")),
        aspects.length ? [el("h4", {}, "Words spent on"), el("ul", { class: "plain aspects" }, aspects)] : null,
        framingItems(ctx, "Attribution verbs", profile.attributions),
        framingItems(ctx, "Loaded or evaluative terms", profile.terms),
        framingItems(ctx, "Opinion and reporting markers", profile.markers),
      );
    });
    return section(
      "framing",
      "How each article frames the story",
      el("p", { class: "hint" }, "A comparison of what each article spends its words on and how it attributes, not a bias label."),
      el("div", { class: "framing-grid" }, cards),
    );
  }

  function humanise(key) {
    return String(key).replace(/_/g, " ");
  }

  function timelineSection(ctx) {
    const events = ctx.brief.timeline || [];
    if (!events.length) return null;
    const items = events.map((e) =>
      el(
        "li",
        { class: e.scheduled ? "event scheduled" : "event" },
        el("span", { class: "when" }, el("strong", {}, e.date), ` (${humanise(e.precision)}${e.scheduled ? ", scheduled" : ""})`),
        " ",
        el("span", { class: "what" }, e.text),
        " ",
        citeLinks(ctx, e.citations),
      ),
    );
    return section("timeline", "Timeline", el("ol", { class: "timeline" }, items));
  }

  function entitiesSection(ctx) {
    const people = (ctx.brief.entities || []).filter((e) => e.kind === "person" || e.kind === "organisation");
    if (!people.length) return null;
    const rows = people.slice(0, 60).map((e) =>
      el(
        "tr",
        {},
        el("th", { scope: "row" }, e.name, e.aliases.length ? el("span", { class: "aliases" }, ` (also ${e.aliases.filter((a) => a !== e.name).join(", ")})`) : null),
        el("td", {}, e.kind),
        el(
          "td",
          {},
          e.roles.length
            ? el("ul", { class: "plain" }, e.roles.map((r) => el("li", {}, r.text, " ", citeLinks(ctx, r.citations.slice(0, 3)))))
            : el("span", { class: "muted" }, "—"),
        ),
        el("td", { class: "num" }, String(e.mentions)),
      ),
    );
    return section(
      "entities",
      "People and organisations",
      el(
        "div",
        { class: "table-wrap" },
        el(
          "table",
          { class: "entities" },
          el("thead", {}, el("tr", {}, ["Name", "Kind", "Roles (as the articles state them)", "Mentions"].map((h) => el("th", { scope: "col" }, h)))),
          el("tbody", {}, rows),
        ),
      ),
    );
  }

  function sourcesSection(ctx) {
    const items = ctx.brief.articles.map((a) =>
      el(
        "li",
        {},
        el("a", { href: citeHref(ctx, { article_id: a.id, start: 0, end: 0 }), class: "source-link" }, a.outlet, a.title ? `: ${a.title}` : ""),
        a.published ? el("span", { class: "muted" }, ` · ${a.published}`) : null,
      ),
    );
    const skipped = ctx.brief.skipped || [];
    return section(
      "sources",
      "Sources",
      el("ul", { class: "plain" }, items),
      skipped.length ? el("p", { class: "muted" }, `${plural(skipped.length, "input")} skipped.`) : null,
    );
  }

  // ---------------------------------------------------------------- the article reader
  async function articleFor(ctx, articleId) {
    if (ctx.id !== null && !ctx.articles) {
      const result = await api(`/api/stories/${enc(ctx.id)}/articles`);
      ctx.articles = new Map(result.articles.map((a) => [a.id, a]));
    }
    const source = ctx.articles || ctx.byId;
    return source.get(articleId) || null;
  }

  async function openReader(ctx, cite) {
    const reader = document.getElementById("reader");
    if (!reader) return;
    const article = await articleFor(ctx, cite.article_id);
    document.querySelectorAll("a.cite[aria-current]").forEach((a) => a.removeAttribute("aria-current"));
    const close = el("a", { href: ctx.base, class: "button close" }, "Close");
    if (!article) {
      reader.replaceChildren(el("h2", { id: "reader-title" }, "Article not found"), close);
      reader.hidden = false;
      return;
    }
    const text = article.text;
    const valid = cite.start >= 0 && cite.end <= text.length && cite.start <= cite.end;
    const body = el("div", { class: "article-text", id: "article-text" });
    let mark = null;
    if (valid && cite.end > cite.start) {
      mark = el("mark", { class: "cited", id: "cited", tabindex: "-1" }, text.slice(cite.start, cite.end));
      body.append(text.slice(0, cite.start), mark, text.slice(cite.end));
    } else {
      body.append(text);
    }
    const url = safeUrl(article.url);
    const removed = article.removed || [];
    reader.replaceChildren();
    append(reader, [
      el(
        "div",
        { class: "reader-head" },
        el("h2", { id: "reader-title" }, article.outlet, article.title ? `: ${article.title}` : ""),
        close,
      ),
      el(
        "p",
        { class: "muted" },
        article.published ? `Published ${article.published}. ` : "Publication date unknown. ",
        url ? el("a", { href: url, rel: "noopener noreferrer nofollow", class: "external" }, "Original article") : article.url ? el("span", { class: "unsafe-url" }, `Source address (not linked): ${article.url}`) : null,
      ),
      valid ? null : el("p", { class: "error" }, "This citation does not fit the article's text."),
      body,
      removed.length
        ? el(
            "details",
            { class: "removed" },
            el("summary", {}, `${plural(removed.length, "passage")} removed as not part of the article`),
            el("ul", { class: "plain" }, removed.map((r) => el("li", {}, el("span", { class: "tag" }, r.reason), " ", r.text))),
          )
        : null,
    ]); // append() skips the nulls
    reader.hidden = false;
    document.body.classList.add("reading");
    const selector = `a.cite[data-article="${CSS.escape(cite.article_id)}"][data-start="${cite.start}"][data-end="${cite.end}"]`;
    document.querySelectorAll(selector).forEach((a) => a.setAttribute("aria-current", "true"));
    if (mark) {
      mark.scrollIntoView({ block: "center" });
      mark.focus({ preventScroll: true });
    } else {
      reader.scrollTop = 0;
      document.getElementById("reader-title").setAttribute("tabindex", "-1");
      document.getElementById("reader-title").focus();
    }
  }

  function closeReader() {
    const reader = document.getElementById("reader");
    document.body.classList.remove("reading");
    if (reader && !reader.hidden) {
      reader.hidden = true;
      reader.replaceChildren();
      const active = document.querySelector("a.cite[aria-current]");
      if (active) active.focus();
    }
  }

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && current && !document.getElementById("reader")?.hidden) {
      location.hash = current.base;
    }
  });

  window.addEventListener("hashchange", route);
  pollHealth().finally(route);
})();

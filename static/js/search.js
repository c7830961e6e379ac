// The search page: asks the Pagefind index built with the site, as you type and for ?q= links.
const form = document.querySelector(".search-page-form");
const input = document.getElementById("search-q");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const MAX_RESULTS = 20;
let pagefind = null;
// A page in another language than English gives its own words (templates/search.html), one per plural form.
const words = status.dataset;
const language = document.documentElement.lang || "en";
let latest = 0;
// The site's root, one folder up from this script: a site may live under a path (https://you.github.io/paper/).
const ROOT = new URL("../", import.meta.url);

async function loadPagefind() {
  if (!pagefind) {
    pagefind = await import(new URL("pagefind/pagefind.js", ROOT).href);
    await pagefind.options({ baseUrl: ROOT.pathname });
    await pagefind.init();
  }
  return pagefind;
}

function resultItem(data) {
  const li = document.createElement("li");
  const h2 = document.createElement("h2");
  const a = document.createElement("a");
  a.href = data.url;
  a.textContent = data.meta.title || data.url;
  h2.append(a);
  li.append(h2);
  if (data.meta.section) {
    const kicker = document.createElement("p");
    kicker.className = "result-section";
    kicker.textContent = data.meta.section;
    li.prepend(kicker);
  }
  const excerpt = document.createElement("p");
  excerpt.className = "result-excerpt";
  excerpt.innerHTML = data.excerpt; // Pagefind escapes the page text and adds only <mark>
  li.append(excerpt);
  return li;
}

function matches(n, q) {
  if (!words.other) return n === 0 ? `No stories match “${q}”.` : `${n} ${n === 1 ? "story matches" : "stories match"} “${q}”.`;
  const text = n === 0 ? words.none : words[new Intl.PluralRules(language).select(n)] || words.other;
  return text.replace("{n}", n.toLocaleString(language)).replace("{q}", q);
}

async function runSearch(query) {
  const mine = ++latest;
  const q = query.trim();
  if (!q) {
    list.replaceChildren();
    status.textContent = "";
    return;
  }
  status.textContent = words.searching || "Searching…";
  try {
    const pf = await loadPagefind();
    const found = await pf.search(q);
    const data = await Promise.all(found.results.slice(0, MAX_RESULTS).map((r) => r.data()));
    if (mine !== latest) return; // a newer search has started
    list.replaceChildren(...data.map(resultItem));
    const n = found.results.length;
    status.textContent = matches(n, q);
  } catch (err) {
    if (mine === latest) status.textContent = words.unavailable || "Search is not available right now.";
    console.warn(err);
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const url = new URL(window.location.href);
  url.searchParams.set("q", input.value.trim());
  history.replaceState(null, "", url);
  runSearch(input.value);
});
input.addEventListener("input", () => runSearch(input.value));

const initial = new URLSearchParams(window.location.search).get("q");
if (initial) {
  input.value = initial;
  runSearch(initial);
}

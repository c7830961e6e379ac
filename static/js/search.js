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

// The index is cut into shards (the newest stories at pagefind/, older ones under pagefind/shards/):
// pagefind/shards.json lists, for each language, the shards to merge into the first.
async function loadPagefind() {
  if (!pagefind) {
    const bundle = new URL("pagefind/", ROOT);
    const manifest = await (await fetch(new URL("shards.json", bundle))).json();
    const lang = document.documentElement.lang.toLowerCase();
    const shards = manifest.languages[lang] ?? manifest.languages[lang.split("-")[0]];
    if (!shards) return null; // no story in this page's language yet
    const pf = await import(new URL("pagefind.js", bundle).href);
    await pf.options({ baseUrl: ROOT.pathname });
    await pf.init();
    await Promise.all(shards.map((shard) => pf.mergeIndex(new URL(shard, bundle).pathname)));
    pagefind = pf;
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
    const found = pf ? await pf.search(q) : { results: [] };
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

"""What the preview adds to each page: the script that updates the open tab, and a failed build's problems."""

from __future__ import annotations

import html

from broadsheet.errors import Problem

EVENTS_PATH = "/__broadsheet/events"


def inject(page: bytes, problems: tuple[Problem, ...], version: str) -> bytes:
    """Add the problems overlay (after a failed build) and the reload script before </body>."""
    snippet = (overlay_html(problems) + reload_script(version)).encode("utf-8")
    at = page.lower().rfind(b"</body>")
    return page + snippet if at < 0 else page[:at] + snippet + page[at:]


def reload_script(version: str) -> str:
    """Return the script that brings the tab up to date when the server says the build changed.

    It fetches the page again and swaps the new <body> (and <title>, metadata) into the open document:
    no navigation, so the stylesheets stay applied and the reader keeps their place. When that could
    differ from a reload (other stylesheets or head scripts, scripts in the body, a failed fetch), it
    reloads the tab instead. The connection names the tab's page, which a rebuild draws first (and says
    'reload' as soon as it has: preview/lookout.py). Only visible tabs hold a connection: browsers allow
    about six per host, and a dozen background tabs must not starve the page being read. The theme's live
    regions (`script[data-live-regions]`) are filled again by loading their script anew after the swap.
    """
    return (
        "<script data-broadsheet>/* broadsheet preview */(function(){"
        f"var url={EVENTS_PATH!r}+'?v={version}',es=null;"
        # The page's path tells the server which page to draw first on a rebuild, and to say 'reload' once it has.
        "function open(){if(es)return;es=new EventSource(url+'&p='+encodeURIComponent(location.pathname));"
        "es.addEventListener('reload',function(e){close();update(e.data);});}"
        "function close(){if(es){es.close();es=null;}}"
        "function kept(n){return n.matches('link[rel~=stylesheet],style,script:not([type=\"application/ld+json\"])');}"
        "function sig(d){return Array.prototype.filter.call(d.head.children,kept).map(function(n){return n.outerHTML;}).join();}"
        "function update(next){"
        "fetch(location.href,{cache:'no-store'}).then(function(r){return r.text();}).then(function(t){"
        "var d=new DOMParser().parseFromString(t,'text/html');"
        "if(sig(d)!==sig(document)||d.body.querySelector('script:not([data-broadsheet]):not([data-live-regions])'))throw 0;"
        "Array.prototype.forEach.call(document.head.querySelectorAll(':scope>*'),function(n){if(!kept(n))n.remove();});"
        "Array.prototype.forEach.call(d.head.querySelectorAll(':scope>*'),function(n){if(!kept(n))document.head.appendChild(n);});"
        "document.body.replaceWith(d.body);url=url.split('?')[0]+'?v='+encodeURIComponent(next);"
        # The live regions' script (includes = "client") does not run in a swapped body: load it anew to fill them.
        "var l=document.querySelector('script[data-live-regions]');if(l){var s=document.createElement('script');"
        "s.src=l.src.split('?')[0]+'?v='+encodeURIComponent(next);s.setAttribute('data-broadsheet','');"
        "document.body.appendChild(s);}"
        "if(!document.hidden)open();"
        "}).catch(function(){location.reload();});}"
        "document.addEventListener('visibilitychange',function(){document.hidden?close():open();});"
        "if(!document.hidden)open();"
        "})();</script>\n"
    )


def overlay_html(problems: tuple[Problem, ...]) -> str:
    """Return the banner listing a failed build's problems as path:line: message ('' if none)."""
    if not problems:
        return ""
    n = len(problems)
    lines = html.escape("\n".join(p.format() for p in problems))
    return (
        '<div id="broadsheet-problems" role="alert" style="position:fixed;top:0;left:0;right:0;'
        "max-height:60vh;overflow:auto;z-index:2147483647;margin:0;padding:1em 1.25em;background:#fff0f0;"
        "color:#600;border-bottom:4px solid #c00;font:14px/1.45 ui-monospace,Menlo,Consolas,monospace;"
        'box-shadow:0 2px 12px rgba(0,0,0,.3);text-align:left">'
        f"<strong>Build failed with {n} problem{'s' if n != 1 else ''}; "
        "the page below is from the last good build.</strong>"
        f'<pre style="white-space:pre-wrap;margin:.5em 0 0;font:inherit">{lines}</pre></div>\n'
    )

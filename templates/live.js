{#- The live regions of one edition, for includes = "client" (broadsheet/plan/regions.py). Each page loads
    this file right after its banner's place, so the banner and the date are filled before the rest of the
    page is drawn (nothing shifts); the "Latest" lists further down are filled as soon as they are read. -#}
{%- set breaking_html %}{% include "partials/breaking.html" %}{% endset -%}
{%- set latest_html %}{% with heading = _("Latest"), id = "latest-heading", kind = "latest" %}{% include "partials/rail-list.html" %}{% endwith %}{% endset -%}
/* Live regions of {{ site.title }}: written by Broadsheet on every build. */
(function () {
  "use strict";
  var zone = {{ site.timezone|tojson }}, language = {{ site.language|tojson }};
  var regions = {
    "breaking": {{ breaking_html|trim|tojson }},
    "latest": {{ latest_html|trim|tojson }},
    {%- for section, stories in sections %}
    {%- set html %}{% with heading = _("Latest in %(section)s", section=section.name), id = "latest-section-heading", kind = "latest" %}{% include "partials/rail-list.html" %}{% endwith %}{% endset %}
    {{ ("latest-" ~ section.slug)|tojson }}: {{ html|trim|tojson }},
    {%- endfor %}
  };

  function today() {
    // The reader's today in the paper's time zone, however long ago the page was written.
    var now = new Date(), parts = {};
    new Intl.DateTimeFormat("en-CA", {timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit"})
      .formatToParts(now).forEach(function (p) { parts[p.type] = p.value; });
    var time = document.createElement("time");
    time.dateTime = parts.year + "-" + parts.month + "-" + parts.day;
    time.textContent = new Intl.DateTimeFormat(language, {dateStyle: "full", timeZone: zone}).format(now);
    return time;
  }

  function fill() {
    var places = document.querySelectorAll("[data-live]");
    for (var i = 0; i < places.length; i++) {
      var place = places[i], name = place.getAttribute("data-live");
      place.removeAttribute("data-live");
      if (name === "date") {
        place.replaceChildren(today());
      } else if (Object.prototype.hasOwnProperty.call(regions, name)) {
        place.innerHTML = regions[name];
      }
    }
  }

  fill();
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fill);
})();

{#- Rendered once per build as a static template (mkdocs.yml: theme.static_templates), not per page.
    Paper pages (overrides/paper.html) leave out the header's search dialog, ~1.5 KB that would be
    the same on every paper page (issue 7); this script, loaded before Material's bundle, puts
    Material's own dialog (partials/search.html) back into the header, so the bundle finds it and
    the header search works as on every other page. Browsers cache it once for the whole site. -#}
{% import "partials/language.html" as lang with context %}
{% set features = config.theme.features or [] %}
{% set dialog %}{% include "partials/search.html" %}{% endset %}
{% if "material/search" in config.plugins %}
document.querySelector("[data-md-component=header] .md-header__inner").insertAdjacentHTML("beforeend", {{ dialog | tojson }});
{% endif %}

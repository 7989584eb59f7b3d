"""The product's URL map plus the benchmark's baseline view and stand-ins.

`bench/bare` is the yardstick: a bare Django view behind the same middleware, in the same
server and run. `bench/search` and `bench/list` stand in for the public search and list
pages only while those pages do not exist yet (bench/registry.py prefers the real ones):
they do what such a page must do (parse filters, search_items with facets, one page of 20
rows, rendered by a Django template).
"""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from ppid import urls as product_urls
from ppid.registry.queries import ItemFilters, search_items

_PAGE = engines["django"].from_string(
    """<!doctype html><title>Informasi</title>
<p>{{ page.paginator.count }} items</p>
<ul>{% for name, values in facets.items %}<li>{{ name }}:
{% for f in values %}<a href="?{{ name }}={{ f.value }}">{{ f.label }} ({{ f.count }})</a>
{% endfor %}</li>{% endfor %}</ul>
<table>{% for item in page.object_list %}<tr>
<td><a href="{{ item.get_absolute_url }}">{{ item.title }}</a></td>
<td>{{ item.body.name }}</td><td>{{ item.office.name }}</td><td>{{ item.get_category_display }}</td>
<td>{{ item.year }}</td><td>{{ item.published_at|date:"j M Y" }}</td></tr>{% endfor %}</table>"""
)


def _page(request):
    filters = ItemFilters.from_params(request.GET)
    result = search_items(filters)
    page = Paginator(result.items, 20).get_page(request.GET.get("page"))
    return HttpResponse(_PAGE.render({"page": page, "facets": result.facets}, request))


urlpatterns = [
    path("bench/bare", lambda request: HttpResponse("ok")),
    path("bench/search", _page),
    path("bench/list", _page),
    # The product's list as-is (it uses i18n_patterns, which cannot be include()d).
    *product_urls.urlpatterns,
]

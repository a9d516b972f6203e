from django.core.paginator import Paginator

PAGE_SIZES = (20, 50, 100)


def paginate(request, queryset, default_size: int = 20):
    """A page of `queryset` from ?page= and ?size= (sizes are allow-listed)."""
    try:
        size = int(request.GET.get("size", default_size))
    except ValueError:
        size = default_size
    if size not in PAGE_SIZES:
        size = default_size
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def query_without_page(request) -> str:
    """The current query string minus `page`, for pagination links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()

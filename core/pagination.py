import base64
import binascii
import json
from functools import cached_property

from django.core.paginator import InvalidPage, Paginator

PAGE_SIZES = (20, 50, 100)
# Rows counted beyond the requested page. A count stops there: counting a million tasks exactly
# costs a scan of the table on every page, while the reader needs only "how far can I go".
COUNT_AHEAD = 10_000


class WindowPaginator(Paginator):
    """Counts exactly while the list ends within COUNT_AHEAD rows after the requested page;
    beyond that `count` is a lower bound (`count_exact` False) that still reaches past the page,
    so "next" always works and the last pages are reached by going on."""

    def __init__(self, object_list, per_page, *, number=1, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.window = max(number, 1) * per_page + COUNT_AHEAD

    @cached_property
    def count(self):
        return self.object_list.order_by()[: self.window + 1].count()

    @cached_property
    def count_exact(self):
        return self.count <= self.window


# Past any real list, and small enough that page x size stays a 64-bit OFFSET for the database.
MAX_PAGE_NUMBER = 1_000_000


def page_number(value) -> int:
    try:
        return min(max(int(value), 1), MAX_PAGE_NUMBER)
    except (TypeError, ValueError):
        return 1


def paginate(request, queryset, default_size: int = 20, *, paginator_class=None, **paginator_kwargs):
    """A page of `queryset` from ?page= and ?size= (sizes are allow-listed), by WindowPaginator or
    the `paginator_class` given (with its extra arguments)."""
    try:
        size = int(request.GET.get("size", default_size))
    except ValueError:
        size = default_size
    if size not in PAGE_SIZES:
        size = default_size
    number = page_number(request.GET.get("page"))
    paginator = (paginator_class or WindowPaginator)(queryset, size, number=number, **paginator_kwargs)
    try:
        return paginator.page(number)
    except InvalidPage:
        return paginator.page(paginator.num_pages)


def query_without_page(request) -> str:
    """The current query string minus `page`, for pagination links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def encode_cursor(position) -> str:
    """An opaque, URL-safe token for a keyset position (a list of JSON values)."""
    return base64.urlsafe_b64encode(json.dumps(position, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(token: str):
    """The position a token of encode_cursor holds; ValueError when it is not such a token."""
    try:
        return json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (ValueError, TypeError, binascii.Error) as exc:
        raise ValueError("not a cursor") from exc

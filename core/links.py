"""`link(name, *ids)`: `reverse()` for URLs built by the hundred thousand (the evidence links of
a province's ratings). Each URL name is reversed once per script prefix with marker arguments;
later calls substitute the ids into that string."""

from functools import lru_cache

from django.urls import get_script_prefix, reverse

_MARKER = "9876543210"


@lru_cache(maxsize=64)
def _pattern(name: str, arity: int, prefix: str) -> tuple[str, ...]:
    markers = [f"{_MARKER}{i}" for i in range(arity)]
    url = reverse(name, args=markers)
    parts = [url]
    for marker in markers:
        head, _, tail = parts.pop().partition(marker)
        parts += [head, tail]
    return tuple(parts)


def link(name: str, *ids: int) -> str:
    parts = _pattern(name, len(ids), get_script_prefix())
    out = [parts[0]]
    for value, part in zip(ids, parts[1:], strict=True):
        out += [str(int(value)), part]
    return "".join(out)

"""Secrets written into a protocol: keys, tokens, private keys, credentials in URLs.

A protocol is read by every agent that runs it and usually committed: a real
credential in it is leaked.  `secrets` reports each match of the patterns a
rule names, unless it holds a placeholder (`<YOUR_TOKEN>`, `${TOKEN}`,
`xxxx`).  The finding never prints the secret: only what the rule calls it,
the part the pattern marks as public (a named group `shown`, such as the
`ghp_` prefix) and its length.
"""

from __future__ import annotations


from protolint.checks import Hit, check, locate
from protolint.parameters import RegexList, RegexMap
from protolint.regex import Pattern
from protolint.selectors import Scope


@check("secrets", parameters={
    "secrets": RegexMap("what each kind of secret is called: its regular expression (a named "
                        "group `shown` marks the part a message may print)"),
    "placeholders": RegexList("regular expressions: a match that contains one is a placeholder, not a secret"),
}, required=("secrets",))
def secrets(scope: Scope, params: dict) -> list[Hit]:
    """Each match of a secret's pattern that holds no placeholder, masked."""
    placeholders: list[Pattern] = params.get("placeholders", [])
    hits: list[Hit] = []
    for node in scope.nodes:
        for name, pattern in params["secrets"].items():
            for match in pattern.finditer(node.text):
                if any(p.search(match.group(0)) for p in placeholders):
                    continue
                line, column = locate(node, match.start())
                hits.append(Hit(line, f"{name} {masked(match)}", column=column))
    return sorted(hits, key=lambda h: (h.line, h.column))


def masked(match) -> str:
    """`ghp_…(40 chars)`: the public part, never the secret."""
    shown = match.groupdict().get("shown") or ""
    return f"{shown}…({len(match.group(0))} chars)"

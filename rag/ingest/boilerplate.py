"""A page's site chrome left in an article's text: the privacy notice, the newsletter offer,
the cookie banner. Pages whose extraction kept only that (a sign-up form where the story
should be) would otherwise be indexed as the same text, alike enough to be taken for copies
of each other, and their headlines lost.

Example:
    >>> without_boilerplate("Would you like to receive our newsletter?\\n\\nRates rose.")
    'Rates rose.'
"""

from __future__ import annotations

import re

# bump when what is removed changes: eval indexes are keyed by it
BOILERPLATE_VERSION = 1

_LONGEST = 400  # characters: a longer paragraph is the story's own, whatever it mentions
_SHORT = 200  # an offer to subscribe or sign up is one line; a story's may mention one
# a site's own notices: its privacy or cookie policy, the reader's data
_NOTICE = re.compile(
    r"\b(?:our|the site's)\s+(?:privacy|cookie)\s+(?:policy|notice|statement)\b|"
    r"\buse of your (?:personal )?data\b|\bplease tick\b",
    re.I,
)
# an offer to the reader: a newsletter or the inbox, a subscription to the site, signing up
_INBOX = re.compile(r"\b(?:newsletters?|inbox|unsubscribe)\b", re.I)
_READER = re.compile(r"\b(?:you|your)\b", re.I)
_SUBSCRIBE = re.compile(r"\bsubscri(?:be|bing|ption)\b", re.I)
_SITE = re.compile(r"\b(?:our|journalism)\b|^\W*subscribe\b", re.I)
_SIGN_UP = re.compile(r"\bsign(?:ing)?\s+up\b[^.]{0,40}?\b(?:here|free|now)\b", re.I)
_WE_MEANS = re.compile(r"^\W*we\W*\s+(?:includes?|means|refers to)\b", re.I)  # "'We' includes …"


def without_boilerplate(body: str) -> str:
    """``body`` (paragraphs separated by blank lines, as ``clean_text`` leaves them) without
    the paragraphs that are site chrome; "" when that is all it was."""
    kept = [p for p in body.split("\n\n") if not _chrome(p)]
    return "\n\n".join(kept).strip()


def _chrome(paragraph: str) -> bool:
    if len(paragraph) > _LONGEST or paragraph.startswith(("“", '"')):
        return False  # the story's own paragraph, or someone quoted
    return bool(
        _NOTICE.search(paragraph)
        or (_INBOX.search(paragraph) and _READER.search(paragraph))
        or (len(paragraph) <= _SHORT and _SUBSCRIBE.search(paragraph) and _SITE.search(paragraph))
        or (len(paragraph) <= _SHORT and _SIGN_UP.search(paragraph))
        or _WE_MEANS.match(paragraph)
    )

"""Where a post lives, and how long a reply there may be.

Limits are for a reply or comment (not a long-form article), as each platform documents them in
2026. Where a platform has no practical limit we use a generous one so length still bounds work.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Platform:
    id: str
    label: str
    limit: int  # a reply or comment
    post_limit: int = 0  # a post of one's own; 0 means the same as a reply

    def limit_for(self, writes: str = "reply") -> int:
        return self.post_limit if writes == "post" and self.post_limit else self.limit


PLATFORMS: dict[str, Platform] = {
    p.id: p
    for p in (
        Platform("x", "X", 280),
        Platform("bluesky", "Bluesky", 300),
        Platform("threads", "Threads", 500),
        Platform("mastodon", "Mastodon", 500),
        Platform("instagram", "Instagram", 2200),
        Platform("tiktok", "TikTok", 150, 2200),
        Platform("facebook", "Facebook", 8000),
        Platform("linkedin", "LinkedIn", 1250, 3000),
        Platform("youtube", "YouTube", 10000, 5000),
        Platform("reddit", "Reddit", 10000),
        Platform("review", "Review site", 4000),
        Platform("forum", "Community forum", 10000),
        Platform("email", "Email", 10000),
        Platform("letter", "Letter", 10000),
    )
}


def limit_for(platform: str | None, writes: str = "reply") -> int | None:
    """Character limit for a reply (or a post) on a platform; None when the platform is unknown."""
    p = PLATFORMS.get(platform or "")
    return p.limit_for(writes) if p else None

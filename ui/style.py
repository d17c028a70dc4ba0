"""The app's look: a theme that needs no web fonts (the app works offline) and the CSS of
answers, source cards and markers (classes ``nr-*`` written by ``ui.render``)."""

from __future__ import annotations

from typing import Any

import gradio as gr

CSS = """
.nr-top h1 { margin: 0 0 .1em; font-size: 1.6em; }
.nr-top p { margin: 0; color: var(--body-text-color-subdued); }
.nr-top p.nr-fresh { font-size: .85em; }
#feed-freshness { margin-top: calc(-1 * var(--layout-gap, 16px)); }
#feed-freshness .html-container { padding-top: 0; }
.nr-q { margin: 0; }
.nr-items { margin: .3em 0 0 1.1em; padding: 0; }
.nr-item { margin: .15em 0; }
.nr-stories, .nr-steps { margin: .4em 0 0 1.2em; padding: 0; }
.nr-story { margin: .2em 0 .8em; }
.nr-story-articles { margin: .1em 0 0 1em; font-size: .85em; }
.nr-step { margin: .3em 0; list-style: none; }
.nr-steps { margin-left: 0; }
.nr-day { font-weight: 600; font-variant-numeric: tabular-nums; margin-right: .4em; }
.nr-header { font-size: .82em; color: var(--body-text-color-subdued); margin-bottom: .35em; }
.nr-short { font-size: 1.15em; font-weight: 600; margin: .1em 0 .3em; }
.nr-text { margin: 0 0 .3em; line-height: 1.55; }
.nr-streaming .nr-text::after { content: "▍"; animation: nr-blink 1s steps(2) infinite; }
@keyframes nr-blink { 50% { opacity: 0; } }
a.nr-cite, sup.nr-pending, sup.nr-dangling {
  font-size: .75em; vertical-align: super; line-height: 0; font-weight: 600;
  text-decoration: none; margin-left: 1px;
}
sup.nr-dangling { color: #b3261e; }
.nr-abstain-banner {
  border-left: 4px solid #d97706; background: rgba(245, 158, 11, .12);
  padding: .35em .6em; margin: .2em 0 .45em; font-weight: 600;
}
.nr-abstained .nr-text { font-style: italic; }
.nr-unverified {
  background: rgba(217, 48, 37, .10); text-decoration: underline wavy rgba(217, 48, 37, .7);
  text-underline-offset: 3px;
}
.nr-legend, .nr-error { font-size: .85em; color: #b3261e; }
.nr-sources-title { font-weight: 600; margin: .7em 0 .2em; font-size: .9em; }
.nr-card {
  border: 1px solid var(--border-color-primary); border-radius: 8px;
  padding: .45em .7em; margin: .35em 0; scroll-margin-top: .5em;
}
.nr-card:target {
  border-color: var(--color-accent); box-shadow: 0 0 0 2px var(--color-accent-soft);
}
.nr-card-head { font-weight: 600; }
.nr-num { color: var(--color-accent); margin-right: .2em; }
.nr-meta { font-size: .8em; color: var(--body-text-color-subdued); }
.nr-meta.nr-quiet { font-style: italic; opacity: .75; }
.nr-notice { font-size: .85em; font-style: italic; color: var(--body-text-color-subdued); }
.nr-para {
  margin: .35em 0 0; padding: 0 0 0 .6em; border-left: 3px solid var(--border-color-primary);
  font-size: .9em; font-style: normal;
}
.nr-para mark { background: #fde68a; color: #1f2937; padding: 0 .1em; border-radius: 2px; }
"""


def theme() -> Any:
    """A soft theme with system fonts only (no request to a font service)."""
    return gr.themes.Soft(
        primary_hue="indigo",
        font=["ui-sans-serif", "system-ui", "Segoe UI", "Roboto", "sans-serif"],
        font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "monospace"],
    )

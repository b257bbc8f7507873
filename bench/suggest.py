"""Label suggestions: server time of suggestions for a 40-sentence article, and training
time on 100,000 claims.

Suggestions: the suggester (cue layer + learned layer) on 40 sentences drawn from the
shipped held-out file, uncached (computed afresh each run) and cached (the per-article
cache the API and the workspace read), median of 30 runs. Training: 100,000 labelled
sentences made by recombining the shipped training sentences' clauses (so that the
vocabulary grows as real data would), one run. No database needed.

    .venv/bin/python bench/suggest.py
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from suggestions import model as learned  # noqa: E402
from suggestions.selectors.suggestions import cached_for_article, suggest  # noqa: E402

HELD_OUT = Path(learned.TRAINING_FILE).with_name("heldout.jsonl")


def main() -> None:
    model = learned.train(learned.shipped_examples(), version="bench")
    learned._current.update(key=(str(learned.model_path()), "bench"), model=model)
    texts = [e.text for e in learned.read_jsonl(HELD_OUT)][:40]
    items, offset = [], 0
    for n, text in enumerate(texts):
        items.append((n + 1, text, offset))
        offset += len(text) + 1
    suggest(items, suggester=model)  # warm up
    fresh = []
    for _ in range(30):
        began = time.perf_counter()
        suggest(items, suggester=model)
        fresh.append(time.perf_counter() - began)
    learned.current = lambda: model  # the cache keys on the model in use
    cached_for_article(1, items)
    cached = []
    for _ in range(30):
        began = time.perf_counter()
        cached_for_article(1, items)
        cached.append(time.perf_counter() - began)
    print(
        f"suggestions, 40 sentences, uncached: median {statistics.median(fresh) * 1000:.1f} ms "
        f"(min {min(fresh) * 1000:.1f}, max {max(fresh) * 1000:.1f})"
    )
    print(f"suggestions, 40 sentences, cached:   median {statistics.median(cached) * 1000:.3f} ms")

    rng = random.Random(0)
    base = learned.shipped_examples()
    examples = []
    for n in range(100_000):
        a, b = rng.choice(base), rng.choice(base)
        words = a.text.rstrip(".").split()
        cut = rng.randint(3, max(3, len(words)))
        tail = b.text.split()[len(b.text.split()) // 2 :] if n % 3 == 0 else []
        examples.append(learned.Example(" ".join(words[:cut] + tail) + ".", a.label))
    began = time.perf_counter()
    learned.train(examples, version="bench-100k")
    print(f"training on {len(examples):,} claims: {time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()

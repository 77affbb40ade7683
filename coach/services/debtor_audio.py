"""The debtor's spoken lines, one sentence per request, so the first sentence plays while the
next is still being made. Sentences repeat across runs (a scenario has a few lines per state),
so the last few are kept in memory: a replayed line answers at once."""

from __future__ import annotations

import threading
from collections import OrderedDict

from coach.engines import engines_of

# About 100 kB per sentence of 22 kHz 16-bit speech: 64 sentences is a few megabytes.
_CACHED_SENTENCES = 64
_cache: OrderedDict[str, bytes] = OrderedDict()
_cache_lock = threading.Lock()


def sentence_audio(sentence: str) -> bytes | None:
    """``sentence`` as a WAV file in the debtor's voice, or None when this server has no voice
    (the call screen then uses the browser's own speech)."""
    with _cache_lock:
        if sentence in _cache:
            _cache.move_to_end(sentence)
            return _cache[sentence]
    voice = engines_of().debtor_voice()
    if voice is None:
        return None
    audio = voice.synthesize(sentence)
    with _cache_lock:
        _cache[sentence] = audio
        while len(_cache) > _CACHED_SENTENCES:
            _cache.popitem(last=False)
    return audio

"""The app's models: one :class:`Engines` per app, built in the factory, loaded on first use.

Web requests, CLI commands and job workers all reach the transcriber, the sentence encoder
and the trained heads through the ``Engines`` of their app, never through module state, so
a test can hand an app fakes that implement the same ports (``Transcriber``, ``TextEncoder``).
The real models are memoised per process by their settings: two apps in one process (the
test suite's SQLite and PostgreSQL apps, a worker's) share one copy in memory.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

from flask import Flask, current_app

from coach.catalog.kinds import (
    DEBTOR_AFFECT,
    INTENT_LINES,
    LISTENING_PAIRS,
    OUTCOME_CALLS,
    RULE_LINES,
    TONE,
)
from coach.speech.model_files import PACKAGED_MODELS
from coach.speech.transcriber import (
    AsrSettings,
    Transcriber,
    check_model_path,
    default_cpu_threads,
)

if TYPE_CHECKING:
    from coach.catalog import Catalog
    from coach.corpus import IntentLines, RuleLines, WriterCorpus
    from coach.nlp.encoder import TextEncoder
    from coach.scenarios.intent_model import IntentHeads
    from coach.scoring.compliance.learned import RuleModels
    from coach.scoring.moments import MomentHeads
    from coach.scoring.outcome_model import OutcomeHead
    from coach.scoring.pipeline import ScoringModels
    from coach.scoring.tone import DebtorAffect, ToneClassifier
    from coach.speech.debtor_voice import DebtorVoice, EspeakVoice

EXTENSION = "coach.engines"
# What the doctor checks and jobs wait for, by the name users see. "transcriber" hears
# practice calls; "role-play ASR" the trainee's spoken role-play replies.
ENGINE_NAMES = ("transcriber", "role-play ASR", "scoring")
# What speech is transcribed for; each use has its own default model (COACH_ASR_MODEL_*).
AsrUse = Literal["calls", "replies"]
ASR_USES: tuple[AsrUse, ...] = get_args(AsrUse)
_REASON_CHARS = 300
# After a failed load, uses within this many seconds fail at once instead of loading again
# (a hundred waiting jobs try the engine once, not a hundred times, per sweep).
RELOAD_AFTER_S = 10.0


class EngineUnavailable(RuntimeError):
    """A model could not be loaded (missing or corrupt files): work needing it must wait."""

    def __init__(self, engine: str, reason: str) -> None:
        super().__init__(f"The {engine} engine is unavailable: {reason}")
        self.engine, self.reason = engine, reason


def _quiet(_step: str) -> None:
    """The default progress reporter: says nothing."""


def asr_model(config: Mapping[str, Any], use: AsrUse = "calls") -> tuple[str, str | None]:
    """The key that chooses the model for ``use`` and its value (a packaged model's name or
    a path): ``COACH_ASR_MODEL`` when set, for every use; else the use's own key."""
    if use not in ASR_USES:
        raise ValueError(f"no speech recognition use {use!r} (uses: {', '.join(ASR_USES)})")
    if config["ASR_MODEL"]:
        return "COACH_ASR_MODEL", config["ASR_MODEL"]
    key = f"ASR_MODEL_{use.upper()}"
    return f"COACH_{key}", config[key]


def asr_settings(config: Mapping[str, Any], use: AsrUse = "calls") -> AsrSettings:
    """ASR settings for ``use`` from Coach's config; a bad value raises ValueError naming the
    key (an unknown model name included)."""
    key, model = asr_model(config, use)
    if model is not None and model not in PACKAGED_MODELS:
        check_model_path(key, model)
    device = config["ASR_DEVICE"]
    return AsrSettings(
        backend=config["ASR_BACKEND"],
        model=model,
        model_cache_dir=config["MODEL_CACHE_DIR"],
        device=device,
        compute_type="int8" if device == "cpu" else "float16",
        swap_channels=config["ASR_SWAP_CHANNELS"],
        beam_size=config["ASR_BEAM_SIZE"],
        cpu_threads=config["ASR_CPU_THREADS"] or default_cpu_threads(),
    )


class Engines:
    """The transcribers, the encoder and the scoring models of one app, each loaded once.

    ``transcriber`` (practice calls), ``reply_transcriber`` (spoken role-play replies; the
    call transcriber when not given) and ``encoder`` are factories called on first use (the
    defaults load the packaged models); scoring models are trained or read from
    ``cache_dir`` on first use. ``asr`` lists the real speech settings whose model files
    set-up prepares (none for fakes).
    """

    def __init__(
        self,
        catalog: Catalog,
        cache_dir: Path,
        transcriber: Callable[[], Transcriber],
        encoder: Callable[[], TextEncoder],
        reply_transcriber: Callable[[], Transcriber] | None = None,
        asr: Sequence[AsrSettings] = (),
    ) -> None:
        self._catalog = catalog
        self._cache_dir = cache_dir
        self._make_transcriber = transcriber
        self._make_reply_transcriber = reply_transcriber or transcriber
        self._make_encoder = encoder
        self._asr = tuple(dict.fromkeys(asr))  # one entry per distinct model and settings
        self._lock = threading.RLock()
        self._loaded: dict[str, Any] = {}
        self._problems: dict[str, str] = {}
        self._failed_at: dict[str, float] = {}

    def with_models(
        self, transcriber: Callable[[], Transcriber], encoder: Callable[[], TextEncoder]
    ) -> Engines:
        """The same content and cache with other model factories (e.g. test fakes)."""
        return Engines(self._catalog, self._cache_dir, transcriber, encoder)

    def transcriber(self) -> Transcriber:
        """The speech-to-text engine for practice calls (its model loads on first use)."""
        return self._once("transcriber", self._make_transcriber)

    def reply_transcriber(self) -> Transcriber:
        """The speech-to-text engine for a trainee's spoken role-play reply: short audio,
        answered while the trainee waits (COACH_ASR_MODEL_REPLIES)."""
        return self._once("role-play ASR", self._make_reply_transcriber)

    def debtor_voice(self) -> DebtorVoice | EspeakVoice | None:
        """The role-play debtor's voice, loaded on first use: Piper, else espeak-ng, else
        None (the browser speaks). One per process, shared by every app in it."""
        return self._once("debtor voice", _shared_debtor_voice)

    def prepare_speech(self, report: Callable[[str], None] = _quiet) -> None:
        """Assemble (or verify by hash) the files of every configured Whisper model now,
        calling ``report`` with each model's name. Raises ModelFilesError naming the package
        at fault."""
        for settings in self._asr:
            report(settings.model_name)
            settings.model_path(verify=True)

    def speech_files_problem(self) -> str | None:
        """None when every configured Whisper model's files are whole, else why not."""
        try:
            self.prepare_speech()
        except Exception as error:  # any failure is the answer here
            return f"{type(error).__name__}: {error}"[:_REASON_CHARS]
        return None

    def encoder(self) -> TextEncoder:
        """The sentence encoder every semantic part of scoring shares."""
        return self._once("encoder", self._make_encoder)

    def scoring_models(self) -> ScoringModels:
        """Encoder, heads, rule packs and scorecards; heads train into ``cache_dir`` once."""
        return self.prepare()

    def prepare(self, report: Callable[[str], None] = _quiet) -> ScoringModels:
        """Load the scoring models now, calling ``report`` with each step's name as it starts.

        Set-up calls this so that exporting the encoder, training the heads and embedding the
        rule exemplars into ``cache_dir`` happen before the first scorecard, not during it.
        """
        return self._once(
            "scoring",
            lambda: load_scoring_models(self._catalog, self._cache_dir, self.encoder(), report),
        )

    def intent_heads(self) -> IntentHeads:
        """The role-play intent heads (trained into ``cache_dir`` on first use)."""

        def load() -> IntentHeads:
            heads = intent_heads(self._catalog.get(INTENT_LINES), self.encoder(), self._cache_dir)
            if heads is None:
                raise ValueError("content/intents/ has no labelled replies to learn intents from")
            return heads

        return self._once("intents", load)

    def content_pins(self, jurisdiction: str, scorecard_id: str) -> list[dict[str, str]]:
        """The content one scorecard of ``jurisdiction`` was made from, as its row pins it:
        the jurisdiction's rule packs, the scorecard definition and both tone corpora."""
        rules = self._catalog.get("rules")
        packs = [pack.pack for pack in rules if pack.jurisdiction == jurisdiction]
        return [
            *self._catalog.pins("rules", packs),
            *self._catalog.pins("scorecards", [scorecard_id]),
            *self._catalog.pins(TONE),
            *self._catalog.pins(DEBTOR_AFFECT),
        ]

    def check(self, name: str) -> str | None:
        """Load engine ``name`` (one of ENGINE_NAMES) now: None if it works, else why not."""
        load = {
            "transcriber": self.transcriber,
            "role-play ASR": self.reply_transcriber,
            "scoring": self.scoring_models,
        }[name]
        with self._lock:
            self._failed_at.pop(name, None)  # an operator asking: really try now
        try:
            load()
        except EngineUnavailable as error:
            return error.reason
        return None

    def refuse_if_unavailable(self, name: str) -> None:
        """Raise EngineUnavailable if loading ``name`` failed last time (loads nothing)."""
        with self._lock:
            reason = self._problems.get(name)
        if reason is not None:
            raise EngineUnavailable(name, reason)

    def _once(self, name: str, make: Callable[[], Any]) -> Any:
        """Load ``name`` on first use; a failure is remembered and raised as
        EngineUnavailable, and a use after RELOAD_AFTER_S tries again (the files may be
        fixed by then)."""
        with self._lock:
            if name in self._loaded:
                return self._loaded[name]
            failed_at = self._failed_at.get(name)
            if failed_at is not None and time.monotonic() - failed_at < RELOAD_AFTER_S:
                raise EngineUnavailable(name, self._problems[name])
            try:
                self._loaded[name] = make()
            except Exception as error:
                # A part's EngineUnavailable (the encoder of scoring) keeps its reason.
                reason = (
                    error.reason
                    if isinstance(error, EngineUnavailable)
                    else f"{type(error).__name__}: {error}"[:_REASON_CHARS]
                )
                self._problems[name], self._failed_at[name] = reason, time.monotonic()
                raise EngineUnavailable(name, reason) from error
            self._problems.pop(name, None)
            self._failed_at.pop(name, None)
            return self._loaded[name]


def load_scoring_models(
    catalog: Catalog,
    cache_dir: Path,
    encoder: TextEncoder,
    report: Callable[[str], None] = _quiet,
) -> ScoringModels:
    """Scoring's models from loaded content: heads trained on the catalog's corpora and rule
    exemplars embedded (or both read from ``cache_dir`` when their data and encoder are
    unchanged), the learned rule heads, its packs and scorecards. ``report`` hears each
    step's name as it starts."""
    from coach.nlp.exemplar_cache import cached_matcher
    from coach.scoring.compliance.rules import group_by_jurisdiction
    from coach.scoring.pipeline import ScoringModels

    report("encoder")
    encoder.encode([])  # loads the model (exporting its graph into the cache the first time)
    report("tone head")
    tone = tone_classifier(catalog, encoder, cache_dir)
    report("debtor head")
    debtor = debtor_affect(catalog, encoder, cache_dir)
    report("rule exemplars")
    packs = group_by_jurisdiction(catalog.get("rules"))
    for group in packs.values():
        for pack in group:
            # Registers the pack's matcher, so scoring finds its exemplars already embedded.
            cached_matcher(pack.digest, encoder, pack.exemplar_texts(), cache_dir)
    report("rule models")
    rules = rule_models(catalog.get(RULE_LINES), encoder, cache_dir)
    report("listening heads")
    moments = moment_heads(catalog.get(LISTENING_PAIRS), encoder, cache_dir)
    report("outcome head")
    outcome = outcome_head(catalog.get(OUTCOME_CALLS), encoder, cache_dir)
    return ScoringModels(
        encoder=encoder,
        tone=tone,
        debtor_affect=debtor,
        packs=packs,
        scorecards={card.id: card for card in catalog.get("scorecards")},
        rules=rules,
        moments=moments,
        outcome=outcome,
    )


def tone_classifier(catalog: Catalog, encoder: TextEncoder, cache_dir: Path) -> ToneClassifier:
    """The agent tone head, trained on the catalog's ``tone/*.jsonl`` corpora."""
    from coach.corpus import examples_of
    from coach.nlp.heads import load_or_train_head
    from coach.scoring.tone import TONE_CLASSES, TONE_LEXICAL_WEIGHT, ToneClassifier

    head = load_or_train_head(
        "tone",
        examples_of(catalog.get(TONE)),
        encoder,
        cache_dir,
        classes=TONE_CLASSES,
        lexical_weight=TONE_LEXICAL_WEIGHT,
    )
    return ToneClassifier(head)


def debtor_affect(catalog: Catalog, encoder: TextEncoder, cache_dir: Path) -> DebtorAffect:
    """The debtor agitation head, trained on the catalog's ``tone/debtor/*.jsonl`` corpora."""
    from coach.corpus import examples_of
    from coach.nlp.heads import load_or_train_head
    from coach.scoring.tone import DEBTOR_AFFECT_CLASSES, DebtorAffect

    examples = examples_of(catalog.get(DEBTOR_AFFECT))
    head = load_or_train_head(
        "debtor-affect", examples, encoder, cache_dir, classes=DEBTOR_AFFECT_CLASSES
    )
    return DebtorAffect(head)


def rule_models(
    rule_lines: Sequence[RuleLines], encoder: TextEncoder, cache_dir: Path
) -> RuleModels:
    """One learned head per rule per jurisdiction, trained on ``rule_lines`` (or read from
    ``cache_dir``), beside each rule's debtor triggers (``coach.scoring.compliance.learned``)."""
    from coach.nlp.heads import load_or_train_head
    from coach.scoring.compliance.learned import (
        NEGATIVE,
        POSITIVE,
        RULE_LEXICAL_WEIGHT,
        JurisdictionRuleModel,
        RuleHead,
        RuleModels,
        debtor_triggers,
        rule_examples,
        rules_with_positives,
    )

    models = {}
    for jurisdiction in sorted({g.jurisdiction for g in rule_lines}):
        mine = [g for g in rule_lines if g.jurisdiction == jurisdiction]
        heads = [
            RuleHead(
                rule,
                load_or_train_head(
                    f"rule-{rule}",
                    rule_examples(mine, rule),
                    encoder,
                    cache_dir,
                    classes=(NEGATIVE, POSITIVE),
                    lexical_weight=RULE_LEXICAL_WEIGHT,
                ),
                debtor_triggers(mine, rule),
            )
            for rule in rules_with_positives(mine)
        ]
        models[jurisdiction] = JurisdictionRuleModel(encoder, heads)
    return RuleModels(models)


def moment_heads(
    corpora: Sequence[WriterCorpus], encoder: TextEncoder, cache_dir: Path
) -> MomentHeads | None:
    """The active-listening and empathy heads, trained on ``listening/*.jsonl`` (or read from
    ``cache_dir``); ``None`` without any pairs (cue phrases judge alone)."""
    from coach.nlp.heads import load_or_train_head
    from coach.scoring.moments import (
        MOMENT_FIELDS,
        MOMENT_LEXICAL_WEIGHT,
        NO,
        YES,
        MomentHeads,
        moment_examples,
    )

    if not any(corpus.items for corpus in corpora):
        return None
    heads = {
        flag: load_or_train_head(
            f"moment-{flag}",
            moment_examples(corpora, flag),
            encoder,
            cache_dir,
            classes=(NO, YES),
            lexical_weight=MOMENT_LEXICAL_WEIGHT,
            fields=MOMENT_FIELDS,
        )
        for flag in ("active_listening", "empathy")
    }
    return MomentHeads(**heads)


def outcome_head(
    corpora: Sequence[WriterCorpus], encoder: TextEncoder, cache_dir: Path
) -> OutcomeHead | None:
    """The call-outcome head, trained on ``outcomes/*.jsonl`` (or read from ``cache_dir``);
    ``None`` without any calls (the negotiation cues decide alone)."""
    from coach.nlp.heads import load_or_train_head
    from coach.scoring.negotiation import OUTCOMES
    from coach.scoring.outcome_model import (
        OUTCOME_FIELDS,
        OUTCOME_LEXICAL_WEIGHT,
        OutcomeHead,
        outcome_examples,
    )

    if not any(corpus.items for corpus in corpora):
        return None
    head = load_or_train_head(
        "outcome",
        outcome_examples(corpora),
        encoder,
        cache_dir,
        classes=OUTCOMES,
        lexical_weight=OUTCOME_LEXICAL_WEIGHT,
        fields=OUTCOME_FIELDS,
    )
    return OutcomeHead(head)


def build_engines(app: Flask) -> Engines:
    """The real engines for ``app``'s configuration (nothing is loaded yet)."""
    config = app.config["COACH"]
    calls, replies = (asr_settings(config, use) for use in ASR_USES)
    cache_dir = Path(config["MODEL_CACHE_DIR"] or Path(app.instance_path) / "model-cache")
    return Engines(
        catalog=app.extensions["coach.catalog"],
        cache_dir=cache_dir,
        transcriber=functools.partial(_shared_transcriber, calls),
        encoder=functools.partial(_shared_encoder, cache_dir),
        reply_transcriber=functools.partial(_shared_transcriber, replies),
        asr=(calls, replies),
    )


def engines_of(app: Flask | None = None) -> Engines:
    """The engines of ``app`` (default: the current app)."""
    return (app or current_app).extensions[EXTENSION]


@functools.cache
def _shared_transcriber(settings: AsrSettings) -> Transcriber:
    from coach.speech.transcriber import make_transcriber

    return make_transcriber(settings)


@functools.cache
def _shared_debtor_voice() -> DebtorVoice | EspeakVoice | None:
    from coach.speech.debtor_voice import load_debtor_voice

    return load_debtor_voice()


@functools.cache
def _shared_encoder(cache_dir: Path) -> TextEncoder:
    from coach.nlp.encoder import load_default_encoder

    return load_default_encoder(cache_dir=cache_dir)


def intent_heads(
    corpora: Sequence[IntentLines], encoder: TextEncoder, cache_dir: Path
) -> IntentHeads | None:
    """The role-play intent heads, trained on ``intents/*.jsonl`` (or read from
    ``cache_dir``); ``None`` without any lines."""
    from coach.nlp.heads import load_or_train_head
    from coach.scenarios.intent_model import (
        INTENT_FIELDS,
        INTENT_LEXICAL_WEIGHT,
        NO,
        YES,
        IntentHeads,
        intent_examples,
        intents_with_lines,
    )

    intents = intents_with_lines(corpora)
    if not intents:
        return None
    return IntentHeads(
        {
            intent: load_or_train_head(
                f"intent-{intent}",
                intent_examples(corpora, intent),
                encoder,
                cache_dir,
                classes=(NO, YES),
                lexical_weight=INTENT_LEXICAL_WEIGHT,
                fields=INTENT_FIELDS,
            )
            for intent in intents
        }
    )

"""Is a matched prohibited phrase denied, rhetorically denied, or a truthful conditional?

Works on :class:`~coach.nlp.normalise.NormText` (lowercase, no apostrophes), so the cue
lists below are written as "dont", "wont", "isnt".
"""

from __future__ import annotations

import re

from coach.nlp.normalise import NormText

_NEGATION = re.compile(
    r"\b(?:not|no|never|nobody|noone|no one|nothing|none|neither|nor|cannot|cant|wont|dont"
    r"|doesnt|didnt|isnt|arent|wasnt|werent|shouldnt|wouldnt|couldnt|havent|hasnt|hadnt"
    r"|aint|without|nahi|nahin)\b"
)
# A negation inside these frames does not deny anything: "I'm not saying you'll be arrested,
# but...", "I don't want to send the police", "you don't want the bailiffs round", "we won't
# hesitate to sue", "you leave me no choice but"; "why not borrow it" and "can't you borrow
# it" suggest rather than deny.
_RHETORICAL = re.compile(
    r"\b(?:(?:not|never) (?:saying|telling you|threatening|promising|suggesting|guaranteeing"
    r"|ruling out|going to lie|gonna lie|kidding)"
    r"|(?:dont|doesnt|wouldnt|didnt|do not) (?:want|like|wish)"
    r" (?:to|you to|that|this|it|the|a|an|your|us|me|them|any\w*|some\w*|things)\b"
    r"|(?:cant|cannot|wont|couldnt) (?:promise|guarantee|say|rule out|stop|prevent|help)"
    r"|no (?:choice|option|other way|alternative)|nothing (?:i|we) can do"
    r"|(?:dont|do not) make (?:me|us)|not up to me|not only|no matter|no longer"
    r"|no doubt|(?:dont|doesnt) (?:you )?(?:think|know|realise|realize|matter|mean)"
    r"|(?:isnt|arent|wasnt|wont|doesnt|dont|didnt|wouldnt|couldnt|cant)"
    r" (?:it|they|you|he|she|we|i)\W*$"
    r"|^\W*(?:couldnt|cant|wouldnt) you\b|\b(?:could|can|would) you not\b"
    r"|\bwhy (?:not|dont you|dont we|dont i)\b|\b(?:dont|do not|doesnt) care\b"
    r"|\b(?:nobody|no one|noone) (?:wants|likes|would want)\b"
    r"|(?:wont|will not|wouldnt|would not|not) hesitate)"
)
# Cues after a denial that bring the threat back: "...yet", "...as long as you pay today".
_UNDOING = re.compile(
    r"\b(?:yet|for now|at this (?:point|stage|time)|this time|unless|as long as|provided"
    r"|only if|if you (?:pay|make|settle|clear)|so long as)\b"
)
_NEGATION_WINDOW_WORDS = 8
# "the police are not involved", "arrest isnt an option": a denial right after the match.
_DENIED_AFTER = re.compile(
    r"\s*(?:(?:is|are|was|were|will|will be) (?:not|never)|isnt|arent|wasnt|werent|wont)\b"
)
# "we will not sue you", "we are never taking you to court": a pattern that starts at the
# auxiliary holds the denial as its second word.
_AUXILIARY_DENIED = re.compile(
    r"(?:will|would|shall|can|could|are|is|am|were|was|do|does|did) (?:not|never)\b"
)
# Cues that belong to a condition or to nonpayment, not to the consequence: "if you dont
# pay well garnish", "you dont pay you go to jail".
_CONDITION_BEFORE_CUE = re.compile(
    r"\b(?:if|unless|until|when|whether|because|since|or)(?: \w+){0,2} $"
)
# A leading "no" answers the debtor ("no, that's not enough"); it denies nothing after it.
_INTERJECTION_AFTER_NO = re.compile(
    r"^ (?:thats|that|its|it|i|im|we|were|you|youre|he|she|they|sir|maam|madam|problem"
    r"|worries|sorry|thanks|thank|okay|ok|well|look|listen|the|this|your|our)\b"
)
_NONPAYMENT_AFTER_CUE = re.compile(
    r"^(?: \w+)? (?:pay|paying|paid|payment|settle|settled|respond|cooperate|call back|clear"
    r"|cleared|sorted|resolved)\b"
)

_CONDITIONAL = re.compile(r"\b(?:if|once|should|in the event|where|when|whether|after|as per)\b")
_LEGAL_PROCESS = re.compile(
    r"\b(?:sue|sues|sued|suing|lawsuit|legal action|judgm?ent|judgement|court|courts|ccj"
    r"|proceedings|decree|tribunal|due process|legal process|civil|due notice|arbitration"
    r"|sarfaesi)\b"
)
_HEDGE = re.compile(
    r"\b(?:may|might|could|can|possibly|possible|permits?|allows?|permitted|allowed|lawful"
    r"|as the law|under the law|by law|as per (?:the )?(?:law|agreement|rules))\b"
)
_DEFINITE = re.compile(
    r"\b(?:today|tomorrow|tonight|already|right now|immediately|this week|by (?:monday"
    r"|tuesday|wednesday|thursday|friday|saturday|sunday|end of)|first thing|definitely"
    r"|for sure|guaranteed?)\b"
)


def is_denied(norm: NormText, start: int, end: int) -> bool:
    """True when the match at ``[start, end)`` is truthfully denied within its clause.

    A denial is a negation cue shortly before the match in the same clause (or at its start,
    "will not sue", or "X is not" right after it) that is not a rhetorical frame and is not
    undone later in the sentence ("nobody will arrest you as long as you pay today" still
    threatens arrest).
    """
    c_start, c_end = norm.clause_at(start)
    s_start, s_end = norm.sentence_at(start)
    window_start = _window_start(norm.text, c_start, start)
    after = norm.text[end:c_end]
    inside = _AUXILIARY_DENIED.match(norm.text, start, end)
    cues_end = inside.end() if inside else start
    negated = _has_denying_cue(
        norm.text, window_start, cues_end, sentence_start=s_start, clause_end=c_end
    ) or bool(_DENIED_AFTER.match(after))
    if not negated:
        return False
    clause_text = norm.text[c_start:c_end]
    if _RHETORICAL.search(clause_text):
        return False
    return not _UNDOING.search(norm.text[start:s_end])


def _window_start(text: str, clause_start: int, start: int) -> int:
    """Where the last few words before ``start`` (within its clause) begin."""
    words = [m.start() for m in re.finditer(r"\S+", text[clause_start:start])]
    if len(words) <= _NEGATION_WINDOW_WORDS:
        return clause_start
    return clause_start + words[-_NEGATION_WINDOW_WORDS]


def _has_denying_cue(
    text: str, lo: int, hi: int, *, sentence_start: int = 0, clause_end: int | None = None
) -> bool:
    """A negation cue in ``text[lo:hi]`` that denies. The words before a cue are read back to
    the sentence start (the "if" of "if this isnt paid..." opens the clause, outside it), and
    the words after it to the clause end (the "no" of "no that wont work" answers the debtor)."""
    end = len(text) if clause_end is None else clause_end
    for cue in _NEGATION.finditer(text, lo, hi):
        if _CONDITION_BEFORE_CUE.search(text[sentence_start : cue.start()]):
            continue
        following = text[cue.end() : end]
        if _NONPAYMENT_AFTER_CUE.match(following):
            continue
        if cue.group() == "no" and _INTERJECTION_AFTER_NO.match(following):
            continue
        return True
    return False


def has_plain_denial(text: str) -> bool:
    """True when normalised ``text`` contains a genuine (non-rhetorical) negation cue."""
    return _has_denying_cue(text, 0, len(text)) and not _RHETORICAL.search(text)


def is_truthful_conditional(sentence: str) -> bool:
    """True for a hedged, conditional description of lawful legal process.

    "if the creditor sues and wins, the court may allow garnishment as the law permits" is
    truthful; "if you dont pay today we will garnish your wages" names no legal process and
    "...the court will garnish you tomorrow" is definite, so neither qualifies.
    """
    return (
        bool(_CONDITIONAL.search(sentence))
        and bool(_LEGAL_PROCESS.search(sentence))
        and bool(_HEDGE.search(sentence))
        and not _DEFINITE.search(sentence)
    )

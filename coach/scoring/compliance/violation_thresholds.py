"""Per-rule model-violation thresholds, chosen on held-out writers. Written by
``bench/rule_lines_eval.py --held-out --write-thresholds``: do not edit by hand.

Each is the lowest threshold at which model violations on the rule's lawful lines by
writers its heads never saw are at most 4% of them; a rule not listed
needs no more than the engine's default (docs/decisions.md).
"""

from collections.abc import Mapping

VIOLATION_THRESHOLDS: Mapping[str, float] = {
    "IN-RBI-RA-FALSE-REPRESENTATION": 0.85,
    "IN-RBI-RA-INAPPROPRIATE-OCCASION": 0.85,
    "IN-RBI-RA-THIRD-PARTY-PRIVACY": 0.80,
    "UK-CONC-7.14-DISPUTED-DEBT": 0.95,
    "UK-CONC-7.14-REASONABLE-OFFER": 0.80,
    "UK-CONC-7.15-STATUTE-BARRED": 0.95,
    "UK-CONC-7.3-FAIR-TONE": 0.85,
    "UK-CONC-7.9-CONTACT-TIMES": 0.85,
    "US-FDCPA-1692b-LOCATION-INFO-LIMITS": 0.75,
    "US-FDCPA-1692ca3-WORKPLACE-CONTACT": 0.85,
    "US-FDCPA-1692cc-CEASE-COMMUNICATION": 0.85,
    "US-FDCPA-1692e3-FALSE-ATTORNEY": 0.80,
    "US-FDCPA-1692e4-THREAT-ARREST": 0.70,
    "US-FDCPA-1692e4-THREAT-GARNISH-SEIZE": 0.85,
    "US-FDCPA-1692e7-FALSE-CRIME-ACCUSATION": 0.85,
    "US-FDCPA-1692e8-CREDIT-REPORTING-MISREP": 0.85,
    "US-REGF-1006.26b-TIME-BARRED-SUIT-THREAT": 0.85,
    "US-REGF-1006.38-DISPUTE-OVERSHADOW": 0.95,
    "US-REGF-1006.6b1-INCONVENIENT-TIME-PLACE": 0.70,
}

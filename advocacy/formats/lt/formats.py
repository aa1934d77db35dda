"""Lithuanian: thousands are grouped with a (non-breaking) space, as the Lithuanian
standard and CLDR write them (10 540), not with Django's default full stop; dates and
times stay Django's (2026-12-01, 2026 m. gruodžio 1 d., 09:30)."""

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3

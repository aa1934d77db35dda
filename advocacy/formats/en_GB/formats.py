"""British English, as a UK organization writes it: day/month/year and the 24-hour clock
(Django's own en_GB module supplies everything not set here)."""

DATE_FORMAT = "j F Y"  # 1 December 2026
TIME_FORMAT = "H:i"  # 09:30
DATETIME_FORMAT = "j M Y, H:i"  # 1 Dec 2026, 09:30
SHORT_DATE_FORMAT = "d/m/Y"  # 01/12/2026
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 01/12/2026 09:30
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","  # 10,540
NUMBER_GROUPING = 3

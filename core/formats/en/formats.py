"""English dates and numbers, written as the pages' scripts write them (Intl, "medium"):
"Dec 8, 2026", "Dec 8, 2026, 9:41 PM"."""

DATE_FORMAT = "M j, Y"
DATETIME_FORMAT = "M j, Y, g:i A"
SHORT_DATETIME_FORMAT = "M j, g:i A"
TIME_FORMAT = "g:i A"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3

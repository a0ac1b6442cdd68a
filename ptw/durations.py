"""How durations and hour limits read in messages and on pages (one format everywhere)."""

from datetime import timedelta
from decimal import Decimal


def format_duration(delta: timedelta) -> str:
    """'3 d 4 h', '2 h 05 min' or '12 min' (whole minutes, rounded down; never negative)."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min"


def format_hours(hours: Decimal | float | int) -> str:
    """Hours without trailing zeros or exponent: Decimal('4.00') → '4', 2.5 → '2.5', Decimal('1E+3') → '1000'."""
    return f"{Decimal(str(hours)).normalize():f}"

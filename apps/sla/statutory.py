"""The fixed statutory holidays of 《全国年节及纪念日放假办法》, for years whose State Council arrangement is unknown.

Only the dates fixed by the law are computed here: no 调休 (make-up working days) and no 补假 (the State Council
decides those every year), so a result that relies on them is provisional. Pure functions, no database.
"""

from datetime import date, timedelta
from functools import lru_cache

from chinese_calendar import get_solar_terms
from django.utils.translation import gettext_noop
from lunardate import LunarDate

# The names used everywhere in the calendar (CalendarDay.name, explanations), stored in Chinese and shown through
# workdays.holiday_label; listed here once more for the translation catalogue.
_NAMES_FOR_TRANSLATION = (
    gettext_noop("元旦"),
    gettext_noop("春节"),
    gettext_noop("清明节"),
    gettext_noop("劳动节"),
    gettext_noop("端午节"),
    gettext_noop("中秋节"),
    gettext_noop("国庆节"),
)
NEW_YEAR = "元旦"
SPRING_FESTIVAL = "春节"
QINGMING = "清明节"
LABOUR_DAY = "劳动节"
DRAGON_BOAT = "端午节"
MID_AUTUMN = "中秋节"
NATIONAL_DAY = "国庆节"


def _lunar(year: int, month: int, day: int) -> date:
    return LunarDate(year, month, day).to_solar_date()


def _qingming(year: int) -> date:
    terms = get_solar_terms(date(year, 4, 1), date(year, 4, 10))
    return next(day for day, name in terms if name == "清明")


@lru_cache(maxsize=256)
def statutory_holidays(year: int) -> dict[date, str]:
    """Holidays for all citizens fixed by the law in force in `year` (date -> name), weekends included.

    Versions: 1999 (春节 初一-初三, 劳动节 and 国庆节 three days each); 2007 (清明, 端午, 中秋 added, 劳动节 one day,
    春节 除夕-初二); 2013 (春节 初一-初三); 2025 (国务院令第795号: 春节 除夕-初三, 劳动节 5/1-5/2).
    """
    days: dict[date, str] = {date(year, 1, 1): NEW_YEAR}
    new_year = _lunar(year, 1, 1)
    if year >= 2025:
        spring = [new_year - timedelta(days=1), *(new_year + timedelta(days=i) for i in range(3))]
    elif 2008 <= year <= 2013:
        spring = [new_year - timedelta(days=1), new_year, new_year + timedelta(days=1)]
    else:
        spring = [new_year + timedelta(days=i) for i in range(3)]
    days.update(dict.fromkeys(spring, SPRING_FESTIVAL))
    if year >= 2008:
        days[_qingming(year)] = QINGMING
        days[_lunar(year, 5, 5)] = DRAGON_BOAT
        days[_lunar(year, 8, 15)] = MID_AUTUMN
    labour_days = 3 if year < 2008 else (2 if year >= 2025 else 1)
    days.update({date(year, 5, 1 + i): LABOUR_DAY for i in range(labour_days)})
    days.update({date(year, 10, 1 + i): NATIONAL_DAY for i in range(3)})
    return days

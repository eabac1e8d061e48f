import datetime
import zoneinfo

import time_machine
from django.conf import settings


def on(day):
    """Freeze the clock at noon on `day` in the site's time zone."""
    noon = datetime.datetime.combine(day, datetime.time(12), zoneinfo.ZoneInfo(settings.TIME_ZONE))
    return time_machine.travel(noon, tick=False)

"""JSON for backups that keeps times to the microsecond.

Django's JSON encoder cuts times to milliseconds (as JavaScript would); a backup must
give back exactly what it took, so this format writes full ISO 8601 times. The files it
writes are plain JSON fixtures: `loaddata` reads them with the ordinary json format.
"""

import datetime

from django.core.serializers import json as django_json
from django.core.serializers.json import DjangoJSONEncoder


class PreciseJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(django_json.Serializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = PreciseJSONEncoder


Deserializer = django_json.Deserializer

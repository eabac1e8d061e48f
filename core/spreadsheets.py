"""CSV downloads from the admin that open safely in Excel."""

import csv

from django.http import HttpResponse
from django.utils import timezone


def spreadsheet_safe(value):
    """Keep a visitor's text from being run as a formula when the CSV is opened in Excel."""
    value = str(value)
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def csv_download(name, header, rows):
    """A CSV attachment "<name>-<today>.csv": `header`, then each row, every cell made safe."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{name}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # the byte-order mark that makes Excel read UTF-8
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return response


def local_time(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""

"""The desk's Russian formats (FORMAT_MODULE_PATH): a picker shows "07.12.2026 13:04", as Russian forms do, and
takes it without seconds too. ISO dates and times are always accepted."""

DATE_INPUT_FORMATS = ["%d.%m.%Y", "%d.%m.%y"]
DATETIME_INPUT_FORMATS = ["%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S", "%d.%m.%y %H:%M"]

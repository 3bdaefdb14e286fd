"""The desk's English formats (FORMAT_MODULE_PATH): dates day first on a 24-hour clock, as the pages write them
("7 Dec, 13:04"), not Django's US defaults. The first input format is the one a picker shows; the others are
accepted too (ISO dates and times always are)."""

DATE_INPUT_FORMATS = ["%d %b %Y", "%d/%m/%Y", "%d.%m.%Y"]
DATETIME_INPUT_FORMATS = ["%d %b %Y %H:%M", "%d %b %Y, %H:%M", "%d/%m/%Y %H:%M", "%d.%m.%Y %H:%M"]

"""The API's JSON parser: DRF's, refusing with a 400 a body nested past what the interpreter can parse (DRF's own
let RecursionError through as a 500) and the literals NaN/Infinity (DRF's refuses them too; kept explicit here).
The middleware refuses deep bodies up to its scan size; this covers the rest."""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    strict = True  # NaN, Infinity and -Infinity are not JSON

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON 嵌套层数过多。")) from None

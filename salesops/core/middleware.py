"""Language selection: Simplified Chinese unless the user chose English with the switch."""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class CookieLocaleMiddleware:
    """Activates the language stored in the language cookie, else LANGUAGE_CODE.

    Unlike django.middleware.locale.LocaleMiddleware it ignores the browser's Accept-Language:
    users' machines are often set to English while the team works in Chinese, and the product
    is to open in Chinese unless somebody asks for English.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response

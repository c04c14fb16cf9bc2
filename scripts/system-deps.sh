#!/usr/bin/env bash
# Debian/Ubuntu system packages the product needs at run time (`make run` and `make test` call this):
#   WeasyPrint: Pango, HarfBuzz, fontconfig;
#   fonts-noto-cjk: the fallback font for rare hanzi outside the bundled subset (a letter naming an enterprise with
#   such a character is set in it; without it that letter is refused) and the notice benchmark's baseline font;
#   chromium: the browser the Content-Security-Policy test drives (tests/e2e, Playwright with /usr/bin/chromium).
# Installs them when they are missing and we can (root with apt-get); otherwise says what to install.
set -u
missing=()
ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so.0' || missing+=(libpango-1.0-0)
ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0' || missing+=(libpangoft2-1.0-0)
ldconfig -p 2>/dev/null | grep -q 'libharfbuzz-subset.so.0' || missing+=(libharfbuzz-subset0)
command -v fc-list >/dev/null 2>&1 || missing+=(fontconfig)
[ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || missing+=(fonts-noto-cjk)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing system packages: ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Please install these system packages (letters need them): ${missing[*]}" >&2
  exit 1
fi

def pytest_configure(config):
    config.addinivalue_line(
        "markers", "browser: drives a real browser (Debian's /usr/bin/chromium, installed by scripts/system-deps.sh)"
    )

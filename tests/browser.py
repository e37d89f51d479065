"""Headless Chromium for browser tests (Debian's `chromium` and `chromium-driver`, driven by selenium).

Use the `browser` fixture (tests/conftest.py): it yields a selenium WebDriver, or skips the test with the
reason when the browser, its driver or selenium is not installed. Nothing is ever downloaded: the browser
and its driver are the system's, and the browser runs without network services or a shared profile.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

CHROMIUM_NAMES = ("chromium", "chromium-browser")
DRIVER_NAMES = ("chromedriver",)
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--window-size=1280,1000", "--lang=zh-CN",
)


def _which(names: tuple[str, ...], fallback_dir: str = "/usr/bin") -> str | None:
    for name in names:
        found = shutil.which(name) or (str(Path(fallback_dir, name)) if Path(fallback_dir, name).exists() else None)
        if found:
            return found
    return None


def unavailable_reason() -> str | None:
    """Why browser tests cannot run here, or None when they can."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    if _which(CHROMIUM_NAMES) is None:
        return "chromium is not installed (apt-get install chromium chromium-driver)"
    if _which(DRIVER_NAMES) is None:
        return "chromedriver is not installed (apt-get install chromium-driver)"
    return None


def launch(profile_dir: Path) -> Any:
    """A headless Chromium WebDriver with a fresh user-data-dir in `profile_dir`."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = _which(CHROMIUM_NAMES) or ""
    for flag in FLAGS:
        options.add_argument(flag)
    profile_dir.mkdir(parents=True, exist_ok=True)
    options.add_argument(f"--user-data-dir={profile_dir}")
    service = Service(executable_path=_which(DRIVER_NAMES) or "")
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(30)
    driver.implicitly_wait(0)
    return driver


def screenshot(driver: Any, folder: Path, name: str) -> Path:
    """Save a full-window PNG of the current page in `folder` and return its path."""
    path = Path(folder) / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


def page_url(path: Path) -> str:
    return Path(path).resolve().as_uri()

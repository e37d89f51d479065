import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

sys.path.insert(0, str(Path(__file__).resolve().parent))
# The tests use a cache folder of their own (validated rule packs, compiled page templates), never the user's.
os.environ.setdefault("GKCHECK_CACHE_DIR", tempfile.mkdtemp(prefix="gkcheck-test-cache-"))

# CI must be repeatable: the default profile replays the same examples every run. Explore with fresh
# random inputs: pytest tests/test_fuzz.py --hypothesis-profile=explore
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


@pytest.fixture
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A headless Chromium WebDriver (tests/browser.py); skips with the reason when none can be started."""
    import browser as chromium

    reason = chromium.unavailable_reason()
    if reason:
        pytest.skip(reason)
    try:
        driver = chromium.launch(tmp_path_factory.mktemp("chromium-profile"))
    except Exception as exc:  # noqa: BLE001 - a browser that cannot start is an environment problem
        pytest.skip(f"chromium could not be started: {exc}")
    try:
        yield driver
    finally:
        driver.quit()

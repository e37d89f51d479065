import os
import sys
from pathlib import Path

from hypothesis import settings

sys.path.insert(0, str(Path(__file__).resolve().parent))

# CI must be repeatable: the default profile replays the same examples every run. Explore with fresh
# random inputs: pytest tests/test_fuzz.py --hypothesis-profile=explore
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

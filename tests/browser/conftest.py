import pytest


@pytest.fixture(autouse=True)
def _pipeline(default_pipeline):
    """Every browser test runs against a live server over a flushed database: restore the pipeline."""

"""Benchmarks run on demand (`make bench`), never in `make test`: they print figures and assert
only that the work was done. Data is bulk-created once per session."""

from tests.conftest import *  # noqa: F403 - the same fixtures (org, services guard) as the tests

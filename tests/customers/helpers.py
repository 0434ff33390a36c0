from contextlib import contextmanager

import pytest
from django.db import IntegrityError, transaction


@contextmanager
def refused(*names):
    """The write inside is refused by PostgreSQL with an IntegrityError whose
    message names every one of ``names`` (a table or constraint). The
    savepoint keeps the test's transaction usable afterwards."""
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        yield caught
    message = str(caught.value)
    for name in names:
        assert name in message, f"{name!r} not in {message!r}"

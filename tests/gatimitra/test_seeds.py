"""Tracked seeds (gatimitra/seeds.py, manage.py seed): applied once, again
only when changed, never over an edited row, duplicate keys refused before
anything is written."""

import json
import shutil

import pytest
from django.core.management import CommandError, call_command

from access_mgmt.models import SystemRole
from gatimitra.models import AppliedSeed, SeedRow
from gatimitra.seeds import SeedError, apply_seeds, fixture_paths
from merchants.models import MerchantCuisine

CUISINES = [
    {
        "model": "merchants.merchantcuisine",
        "pk": 9001,
        "fields": {
            "code": f"TEST_{code}",
            "name": name,
            "description": "Seeded for the test",
            "display_order": order,
            "is_active": True,
            "created_at": "2025-04-01T10:00:00+05:30",
            "updated_at": "2025-04-01T10:00:00+05:30",
        },
    }
    for code, name, order in [("AWADHI", "Awadhi", 900)]
]


def _cuisine(pk, code, name):
    entry = json.loads(json.dumps(CUISINES[0]))
    entry["pk"] = pk
    entry["fields"].update(code=code, name=name)
    return entry


def _write(path, entries):
    path.write_text(json.dumps(entries, indent=1))
    return path


def _quiet(text):
    pass


@pytest.fixture
def seed_file(tmp_path):
    return _write(
        tmp_path / "901_cuisines.json",
        [_cuisine(9001, "TEST_AWADHI", "Awadhi"), _cuisine(9002, "TEST_KONKANI", "Konkani")],
    )


def test_an_unchanged_fixture_is_skipped(db, seed_file):
    assert apply_seeds([seed_file], log=_quiet) == (["901_cuisines.json"], [])
    recorded = AppliedSeed.objects.get(fixture="901_cuisines.json")
    assert recorded.objects_written == 2
    assert SeedRow.objects.filter(seed=recorded).count() == 2
    # Edited, but the fixture did not change: the seed does not even look at it.
    MerchantCuisine.objects.filter(pk=9001).update(name="Awadhi (Lucknow)")
    assert apply_seeds([seed_file], log=_quiet) == ([], ["901_cuisines.json"])
    assert MerchantCuisine.objects.get(pk=9001).name == "Awadhi (Lucknow)"


def test_a_changed_fixture_is_applied_again(db, seed_file):
    apply_seeds([seed_file], log=_quiet)
    entries = json.loads(seed_file.read_text())
    entries[1]["fields"]["description"] = "Goan and Malvani coast"
    entries.append(_cuisine(9003, "TEST_KASHMIRI", "Kashmiri"))
    _write(seed_file, entries)
    assert apply_seeds([seed_file], log=_quiet) == (["901_cuisines.json"], [])
    assert MerchantCuisine.objects.get(pk=9002).description == "Goan and Malvani coast"
    assert MerchantCuisine.objects.filter(pk=9003).exists()
    assert AppliedSeed.objects.get().objects_written == 3


def test_a_row_edited_since_it_was_seeded_is_never_overwritten(db, seed_file):
    apply_seeds([seed_file], log=_quiet)
    MerchantCuisine.objects.filter(pk=9001).update(name="Awadhi (Lucknow)")
    entries = json.loads(seed_file.read_text())
    entries[1]["fields"]["description"] = "changed in the fixture"
    entries[0]["fields"]["display_order"] = 1
    _write(seed_file, entries)

    with pytest.raises(CommandError) as refused:
        call_command("seed", str(seed_file), verbosity=0)
    message = str(refused.value)
    assert "901_cuisines.json" in message
    # A model with the natural-key manager is named by its natural key.
    assert "merchants.merchant_cuisines" in message
    assert "natural key ('TEST_AWADHI',)" in message
    assert "column 'name'" in message and "--force" in message
    # Nothing of the file was written: not the other row's change either.
    assert MerchantCuisine.objects.get(pk=9001).name == "Awadhi (Lucknow)"
    assert MerchantCuisine.objects.get(pk=9002).description == "Seeded for the test"

    call_command("seed", str(seed_file), force=True, verbosity=0)
    assert MerchantCuisine.objects.get(pk=9001).name == "Awadhi"
    assert MerchantCuisine.objects.get(pk=9002).description == "changed in the fixture"


def test_a_row_that_exists_unseeded_and_differs_is_not_overwritten(db, seed_file):
    call_command("loaddata", str(seed_file), verbosity=0)  # Django's plain loader
    MerchantCuisine.objects.filter(pk=9002).update(description="someone's own")
    differs = r"natural key \('TEST_KONKANI',\) exists and differs .* column 'description'"
    with pytest.raises(SeedError, match=differs):
        apply_seeds([seed_file], log=_quiet)


def test_the_real_seeds_adopt_rows_loaded_before_by_loaddata(db):
    """Databases loaded by the old start (plain loaddata) are taken over as they are."""
    paths = fixture_paths()
    call_command("loaddata", *map(str, paths), verbosity=0)
    applied, skipped = apply_seeds(log=_quiet)
    assert applied == [path.name for path in paths] and skipped == []
    assert apply_seeds(log=_quiet) == ([], applied)


@pytest.mark.parametrize(
    ("entries", "named"),
    [
        (
            [_cuisine(9001, "TEST_A", "A"), _cuisine(9001, "TEST_B", "B")],
            "merchants.MerchantCuisine pk 9001 appears twice",
        ),
        (
            [
                {"model": "access_mgmt.systemrole", "fields": {"code": "TEST_ROLE", "name": n}}
                for n in ("One", "Two")
            ],
            'access_mgmt.SystemRole natural key ("TEST_ROLE") appears twice',
        ),
    ],
    ids=["primary-key", "natural-key"],
)
def test_a_duplicate_key_is_refused_before_anything_is_written(db, tmp_path, entries, named):
    first = _write(tmp_path / "900_first.json", [_cuisine(8001, "TEST_FIRST", "First")])
    dupes = _write(tmp_path / "901_dupes.json", entries)
    with pytest.raises(SeedError) as refused:
        apply_seeds([first, dupes], log=_quiet)
    assert str(refused.value).startswith(f"901_dupes.json: {named}")
    assert not MerchantCuisine.objects.filter(pk__in=[8001, 9001]).exists()
    assert not SystemRole.objects.filter(code="TEST_ROLE").exists()
    assert not AppliedSeed.objects.exists()


def test_the_same_key_in_two_files_is_refused_too(db, tmp_path):
    shutil.copy(fixture_paths()[0], tmp_path / "001_copy.json")
    with pytest.raises(SeedError, match=r"appears twice \(first in 001_riders_seed.json\)"):
        apply_seeds([fixture_paths()[0], tmp_path / "001_copy.json"], log=_quiet)


def test_a_failing_row_is_named_without_its_personal_values(db, tmp_path):
    path = _write(
        tmp_path / "902_customers.json",
        [
            {
                "model": "customers.customer",
                "pk": 7001,
                "fields": {
                    "mobile": "+919812345678",
                    "full_name": "Kavya Iyer",
                    "email": "kavya.iyer@example.in",
                    "referral_code": "KAVYA1",
                    "status": "NOT_A_STATUS",
                    "preferred_language": "en",
                    "signup_source": "ANDROID_APP",
                    "created_at": "2025-06-14T08:15:00Z",
                    "updated_at": "2025-06-14T08:15:00Z",
                },
            }
        ],
    )
    with pytest.raises(SeedError) as refused:
        apply_seeds([path], log=_quiet)
    message = str(refused.value)
    assert message.startswith("902_customers.json: ") and "customers.customers" in message
    for personal in ("9812345678", "Kavya", "kavya.iyer"):
        assert personal not in message
    assert "Failing row" not in message


def test_a_malformed_value_is_not_repeated_in_the_error(db, tmp_path):
    entry = _cuisine(9004, "TEST_BAD", "Bad")
    entry["fields"]["display_order"] = "+919812345678 not a number"
    path = _write(tmp_path / "903_bad.json", [entry])
    with pytest.raises(SeedError) as refused:
        apply_seeds([path], log=_quiet)
    message = str(refused.value)
    assert message.startswith("903_bad.json: ") and "merchants.merchantcuisine" in message
    assert "9812345678" not in message

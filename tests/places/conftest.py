"""Fixtures for the places tests: the shipped reference data, a writer of small CSV files, a programme
NGO with its manager and administrator (for limiting a manager to a province), and the system
administrator who sets a country up."""

from collections.abc import Callable
from pathlib import Path

import pytest

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.places.services.areas import AREA_COLUMNS
from childshield.places.services.reference_data import reference_data_load

HEADER = ",".join(AREA_COLUMNS)


@pytest.fixture
def shipped_data(db):
    return reference_data_load()


@pytest.fixture
def ngo(db):
    return Agency.objects.create(country="VN", name="Programme NGO", kind=AgencyKind.NGO)


@pytest.fixture
def manager(make_member, ngo):
    return make_member(email="manager@example.org", role=Role.PROGRAMME_MANAGER, agency=ngo)


@pytest.fixture
def ngo_admin(make_member, ngo):
    return make_member(email="admin@example.org", role=Role.AGENCY_ADMIN, agency=ngo)


@pytest.fixture
def admin(make_member, helpline_agency):
    """The country's system administrator, who sets agencies, areas and helpline numbers up."""
    return make_member(email="sysadmin@example.org", role=Role.SYSTEM_ADMIN, agency=helpline_agency)


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[..., Path]:
    def write(text: str, name: str = "areas.csv") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def areas_csv(write_file) -> Callable[..., Path]:
    """A CSV file with the header row and the given data lines (so data starts on line 2)."""

    def write(*lines: str) -> Path:
        return write_file("\n".join([HEADER, *lines]) + "\n")

    return write

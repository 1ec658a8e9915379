"""Loading every place and helpline file shipped with childshield, in one transaction."""

from pathlib import Path

from django.db import transaction

from childshield.places.reference_files import DATA_DIR, LoadResult
from childshield.places.services.areas import areas_load_csv
from childshield.places.services.helplines import helplines_load

# Order matters: the pilot communes hang under provinces of the first file. Each file holds one
# country's areas, named by its code in lower case (`vn_…`).
SHIPPED_AREA_FILES: tuple[str, ...] = ("vn_provinces.csv", "kh_provinces.csv", "vn_pilot_communes.csv")
SHIPPED_HELPLINE_FILES: tuple[str, ...] = ("helplines.json",)


@transaction.atomic
def reference_data_load(*, data_dir: Path = DATA_DIR, country: str = "") -> list[LoadResult]:
    """Load every shipped place and helpline file, or with `country` only that country's areas and
    numbers, in one transaction; running it again changes nothing."""
    area_files = [
        name for name in SHIPPED_AREA_FILES if not country or name.startswith(f"{country.lower()}_")
    ]
    results: list[LoadResult] = [areas_load_csv(path=data_dir / name) for name in area_files]
    results += [helplines_load(path=data_dir / name, country=country) for name in SHIPPED_HELPLINE_FILES]
    return results

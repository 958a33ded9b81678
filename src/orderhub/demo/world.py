"""Demo foreign geography: cities abroad with their postcode, phone and street formats."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class IntlCity:
    """A foreign city: in patterns `#` is a digit, `%` a digit 2-9, `@` a postcode letter."""

    country: str  # ISO 3166-1 alpha-2
    region: str  # state / province code or name as shops show it
    city: str
    postcode: str
    phone: str
    utc_offset: int  # hours, in November
    weight: float = 1.0


INTL_CITIES: tuple[IntlCity, ...] = (
    IntlCity("US", "CA", "Los Angeles", "900%#", "+1213%######", -8, 1.5),
    IntlCity("US", "CA", "San Francisco", "941##", "+1415%######", -8, 1.0),
    IntlCity("US", "NY", "New York", "100##", "+1212%######", -5, 1.6),
    IntlCity("US", "WA", "Seattle", "981##", "+1206%######", -8, 0.7),
    IntlCity("US", "TX", "Austin", "787##", "+1512%######", -6, 0.6),
    IntlCity("US", "IL", "Chicago", "606%#", "+1312%######", -6, 0.8),
    IntlCity("US", "MA", "Boston", "021%#", "+1617%######", -5, 0.6),
    IntlCity("CA", "ON", "Toronto", "M5V #@#", "+1416%######", -5, 1.2),
    IntlCity("CA", "BC", "Vancouver", "V6B #@#", "+1604%######", -8, 1.0),
    IntlCity("CA", "QC", "Montréal", "H2X #@#", "+1514%######", -5, 0.5),
    IntlCity("GB", "England", "London", "SW1A #@@", "+447%########", 0, 1.6),
    IntlCity("GB", "England", "Manchester", "M1 #@@", "+447%########", 0, 0.6),
    IntlCity("GB", "Scotland", "Edinburgh", "EH3 #@@", "+447%########", 0, 0.4),
    IntlCity("DE", "BE", "Berlin", "10%##", "+49151########", 1, 1.4),
    IntlCity("DE", "BY", "München", "81###", "+49160########", 1, 1.0),
    IntlCity("DE", "HH", "Hamburg", "22%##", "+49170########", 1, 0.8),
    IntlCity("DE", "NW", "Köln", "507##", "+49152########", 1, 0.6),
    IntlCity("FR", "Île-de-France", "Paris", "7500%", "+336########", 1, 1.8),
    IntlCity("FR", "Auvergne-Rhône-Alpes", "Lyon", "6900%", "+336########", 1, 0.7),
    IntlCity("FR", "Provence-Alpes-Côte d'Azur", "Marseille", "1300%", "+337########", 1, 0.5),
    IntlCity("JP", "Tokyo", "Shibuya-ku", "150-00%#", "+8190########", 9, 1.4),
    IntlCity("JP", "Osaka", "Osaka-shi Kita-ku", "530-00%#", "+8180########", 9, 0.8),
    IntlCity("JP", "Kanagawa", "Yokohama-shi Nishi-ku", "220-00%#", "+8170########", 9, 0.5),
    IntlCity("AU", "NSW", "Sydney", "20##", "+614########", 11, 1.4),
    IntlCity("AU", "VIC", "Melbourne", "30##", "+614########", 11, 1.2),
    IntlCity("AU", "QLD", "Brisbane", "40##", "+614########", 10, 0.6),
)

_STREETS: dict[str, tuple[str, ...]] = {
    "Los Angeles": ("Sunset Blvd", "Wilshire Blvd", "Melrose Ave", "Maple Ave", "Elm Street"),
    "San Francisco": ("Valencia Street", "Mission Street", "Divisadero Street", "Oak Street"),
    "New York": ("Broadway", "Park Avenue", "W 72nd Street", "Bedford Ave", "Lexington Ave"),
    "Seattle": ("Pine Street", "Pike Street", "Cedar Lane", "Aurora Ave N"),
    "Austin": ("Congress Ave", "S Lamar Blvd", "Guadalupe Street", "Oak Street"),
    "Chicago": ("Lake Shore Dr", "N Clark Street", "W Division Street", "Elm Street"),
    "Boston": ("Beacon Street", "Commonwealth Ave", "Newbury Street", "Washington Street"),
    "Toronto": ("King St W", "Queen St E", "Yonge Street", "Bloor St W"),
    "Vancouver": ("Robson Street", "Granville Street", "W Broadway", "Main Street"),
    "Montréal": ("Rue Sainte-Catherine O", "Boulevard Saint-Laurent", "Rue Sherbrooke E"),
    "London": ("Baker Street", "King's Road", "Victoria Road", "Church Lane", "High Street"),
    "Manchester": ("Oxford Road", "Deansgate", "Station Road", "Wilmslow Road"),
    "Edinburgh": ("Princes Street", "Leith Walk", "Morningside Road", "Dalry Road"),
    "Berlin": ("Friedrichstraße", "Schönhauser Allee", "Kastanienallee", "Bergstraße"),
    "München": ("Leopoldstraße", "Sendlinger Straße", "Gartenstraße", "Schillerstraße"),
    "Hamburg": ("Eppendorfer Weg", "Bahnhofstraße", "Lindenstraße", "Osterstraße"),
    "Köln": ("Aachener Straße", "Zülpicher Straße", "Hauptstraße", "Goethestraße"),
    "Paris": ("rue de Rivoli", "boulevard Voltaire", "rue Oberkampf", "avenue de la République"),
    "Lyon": ("rue Victor Hugo", "cours Lafayette", "rue de la République", "avenue Jean Jaurès"),
    "Marseille": ("La Canebière", "rue Paradis", "boulevard Baille", "rue de Rome"),
    "Shibuya-ku": ("Jingumae", "Ebisu", "Dogenzaka", "Sendagaya", "Tomigaya"),
    "Osaka-shi Kita-ku": ("Umeda", "Tenjinbashi", "Nakanoshima", "Sonezaki"),
    "Yokohama-shi Nishi-ku": ("Minatomirai", "Takashima", "Kitasaiwai", "Minamisaiwai"),
    "Sydney": ("George Street", "Pitt Street", "Crown Street", "Oxford Street"),
    "Melbourne": ("Collins Street", "Bourke Street", "Chapel Street", "Brunswick Street"),
    "Brisbane": ("Queen Street", "Adelaide Street", "Ann Street", "Boundary Street"),
}
_POSTCODE_LETTERS = "ABEHJLNPRSTXY"  # valid in both UK inward codes and Canadian postcodes


def fill_pattern(rng: random.Random, pattern: str) -> str:
    """Replace `#` with a digit, `%` with a digit 2-9 and `@` with a postcode letter."""
    out = []
    for ch in pattern:
        if ch == "#":
            out.append(str(rng.randrange(10)))
        elif ch == "%":
            out.append(str(rng.randrange(2, 10)))
        elif ch == "@":
            out.append(rng.choice(_POSTCODE_LETTERS))
        else:
            out.append(ch)
    return "".join(out)


def intl_street(rng: random.Random, city: IntlCity) -> str:
    """A street line in the country's own format, on a street of that city."""
    street, country = rng.choice(_STREETS[city.city]), city.country
    number = rng.randint(1, 250)
    if country == "DE":
        return f"{street} {number}"
    if country == "JP":
        return f"{rng.randint(1, 6)}-{rng.randint(1, 30)}-{rng.randint(1, 20)} {street}"
    if country == "AU" and rng.random() < 0.4:
        return f"{rng.randint(1, 40)}/{number} {street}"
    if country in ("US", "CA") and rng.random() < 0.35:
        return f"{number * 10} {street}, Apt {rng.randint(1, 30)}{rng.choice('ABCD')}"
    return f"{number} {street}"

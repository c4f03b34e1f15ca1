"""Which region each department belongs to: INSEE's Code officiel géographique (the 18 regions
of 2016, keyed by the region codes of laureats.models.Region). A commune's INSEE code begins
with its department: two characters in metropolitan France (2A and 2B for Corsica), three
overseas (971 to 976)."""

REGION_DEPARTMENTS = {
    "01": ["971"],  # Guadeloupe
    "02": ["972"],  # Martinique
    "03": ["973"],  # Guyane
    "04": ["974"],  # La Réunion
    "06": ["976"],  # Mayotte
    "11": ["75", "77", "78", "91", "92", "93", "94", "95"],
    "24": ["18", "28", "36", "37", "41", "45"],
    "27": ["21", "25", "39", "58", "70", "71", "89", "90"],
    "28": ["14", "27", "50", "61", "76"],
    "32": ["02", "59", "60", "62", "80"],
    "44": ["08", "10", "51", "52", "54", "55", "57", "67", "68", "88"],
    "52": ["44", "49", "53", "72", "85"],
    "53": ["22", "29", "35", "56"],
    "75": ["16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"],
    "76": ["09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"],
    "84": ["01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74"],
    "93": ["04", "05", "06", "13", "83", "84"],
    "94": ["2A", "2B"],
}

DEPARTMENT_REGION = {
    department: region
    for region, departments in REGION_DEPARTMENTS.items()
    for department in departments
}


def department_of(commune_code):
    return commune_code[:3] if commune_code.startswith("97") else commune_code[:2]


def region_code_of(commune_code):
    """The region code of the commune with this INSEE code; "" outside the 18 regions (Saint-
    Pierre-et-Miquelon, the Pacific) or for a code that is not one."""
    return DEPARTMENT_REGION.get(department_of(commune_code or ""), "")

"""The enterprise record as the upstream node's enterprise application reads it.

``/snms/api/v3/ent/apply`` (openApi/v5/ent.md) wants an ``entBasicInfo`` about the enterprise;
the tenants app keeps those facts on ``Enterprise``, so it owns their mapping: the park page lists
what is missing, and apps.sync builds the application body from it (sync depends on tenants,
never the other way round).
"""

from __future__ import annotations

from apps.tenants.models import Enterprise

# The documented required entBasicInfo fields, in the documentation's order.
ENT_BASIC_INFO_REQUIRED = (
    "orgName",
    "orgNature",
    "orgAddr",
    "orgAddrProvince",
    "orgAddrCity",
    "orgCrtType",
    "orgCrtCode",
    "orgCrtImgRid",
    "industryCategory",
    "industrySpecific",
    "contactName",
    "contactCrtType",
    "contactCrtNo",
    "contactEmail",
    "contactPhone",
    "legalName",
    "legalCrtType",
    "legalCrtNo",
    "legalCrtBackImgRid",
    "legalCrtFrontImgRid",
    "entPrefix",
)

# entBasicInfo fields and the Enterprise field each comes from: a missing one is named to the
# park by that field's label. ent_basic_info copies the plain ones.
ENT_BASIC_INFO_SOURCE = {
    "orgName": "name",
    "orgNature": "org_nature",
    "orgAddr": "address",
    "orgAddrProvince": "credit_code",
    "orgAddrCity": "credit_code",
    "orgCrtCode": "credit_code",
    "orgCrtImgRid": "licence_image_rid",
    "industryCategory": "industry_code",
    "industrySpecific": "industry_code",
    "contactName": "contact_name",
    "contactCrtType": "contact_id_type",
    "contactCrtNo": "contact_id_number",
    "contactEmail": "contact_email",
    "contactPhone": "contact_phone",
    "legalName": "legal_name",
    "legalCrtType": "legal_id_type",
    "legalCrtNo": "legal_id_number",
    "legalCrtBackImgRid": "legal_id_back_rid",
    "legalCrtFrontImgRid": "legal_id_front_rid",
}
# Documented Integer/Long fields among them.
ENT_BASIC_INFO_INTEGERS = ("orgCrtImgRid", "contactCrtType", "legalCrtBackImgRid", "legalCrtFrontImgRid")


def division_of(credit_code: str) -> tuple[str, str]:
    """Province and city (GB/T 2260) of a unified social credit code: characters 3–8 are the
    registering authority's division code (91320594… → 320000, 320500)."""
    division = (credit_code or "")[2:8]
    if len(division) == 6 and division.isdigit():
        return division[:2] + "0000", division[:4] + "00"
    return "", ""


def _as_int(value: str):
    """Documented Integer/Long fields go as numbers; a blank stays blank (and is reported)."""
    value = (value or "").strip()
    return int(value) if value.isdigit() else value


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def ent_basic_info(enterprise: Enterprise) -> dict:
    """The entBasicInfo fields the enterprise record holds (all but entPrefix)."""
    info = {key: getattr(enterprise, field) for key, field in ENT_BASIC_INFO_SOURCE.items()}
    for key in ENT_BASIC_INFO_INTEGERS:
        info[key] = _as_int(info[key])
    industry = (enterprise.industry_code or "").strip()
    info["orgAddrProvince"], info["orgAddrCity"] = division_of(enterprise.credit_code)
    info["industryCategory"], info["industrySpecific"] = industry[:1], industry[1:3]
    info["orgCrtType"] = 1
    return info


def ent_basic_info_missing(info: dict) -> list[str]:
    """Labels (in the active language) of the enterprise fields whose documented required
    entBasicInfo values are blank in ``info``, each once, in the documentation's order."""
    labels: list[str] = []
    for key in ENT_BASIC_INFO_REQUIRED:
        if is_blank(info.get(key)):
            source = ENT_BASIC_INFO_SOURCE.get(key)
            label = str(Enterprise._meta.get_field(source).verbose_name) if source else key
            if label not in labels:
                labels.append(label)
    return labels

"""Enterprise applications (``/snms/api/v3/ent/apply``) as the documentation requires them."""

from __future__ import annotations

import hashlib

# The documented entBasicInfo fields a park's enterprise record does not hold.
KYC = {
    "orgAddr": "苏州工业园区星湖街 1 号",
    "industryCategory": "C",
    "industrySpecific": "38",
    "orgNature": 2,
    "orgCrtImgRid": 7,
    "contactCrtType": 1,
    "contactCrtNo": "320102199001011234",
    "legalName": "王五",
    "legalCrtType": 1,
    "legalCrtNo": "320102198001011234",
    "legalCrtBackImgRid": 10,
    "legalCrtFrontImgRid": 11,
}


def documented_application(*, name, credit_code, prefix, contact_name, contact_phone, contact_email) -> dict:
    return {
        "sysUser": {
            "userName": prefix.replace(".", "_"),
            "password": hashlib.sha256(b"applicant").hexdigest(),
            "email": contact_email,
            "mobile": contact_phone,
            "remarks": "",
        },
        "entBasicInfo": {
            "orgName": name,
            "orgAddr": "苏州工业园区星湖街 1 号",
            "orgAddrProvince": "320000",
            "orgAddrCity": "320500",
            "orgCrtType": 1,
            "orgCrtCode": credit_code,
            "industryCategory": "C",
            "industrySpecific": "38",
            "contactName": contact_name,
            "contactPhone": contact_phone,
            "contactEmail": contact_email,
            "entPrefix": prefix,
            **KYC,
        },
        "entRegisterManageInfo": {
            "entInfoSyses": [{"sysType": t, "deployMode": 2, "name": "园区节点"} for t in (1, 2, 3, 4)],
            "servSysBuildType": 2,
            "servSysOperType": 2,
        },
    }


# The same data as the park's enterprise record holds it (上级节点前缀申请资料), valid check digits.
UPSTREAM_INFO = {
    "org_nature": "2",
    "licence_image_rid": "7",
    "contact_id_type": "1",
    "contact_id_number": "32050219850312041X",
    "legal_name": "王五",
    "legal_id_type": "1",
    "legal_id_number": "320502198306150716",
    "legal_id_front_rid": "11",
    "legal_id_back_rid": "10",
}

import pytest

pytestmark = pytest.mark.django_db


def test_park_landing_speaks_chinese_by_default(park_client):
    response = park_client.get("/")
    assert response.status_code == 200
    assert "企业入驻申请" in response.content.decode()


def test_english_on_request(park_client):
    response = park_client.get("/?lang=en")
    assert response.status_code == 200
    assert response["Content-Language"] == "en"


def test_enterprise_domain_refuses_non_member(enterprise_a, enterprise_b, admin_b, tenant_client):
    client = tenant_client(enterprise_a)
    client.force_login(admin_b)
    response = client.get("/")
    assert response.status_code == 403
    assert enterprise_a.name not in response.content.decode()


def test_enterprise_domain_serves_member(enterprise_a, admin_a, tenant_client):
    client = tenant_client(enterprise_a)
    client.force_login(admin_a)
    response = client.get("/")
    assert response.status_code == 200
    assert enterprise_a.name in response.content.decode()

"""nginx (deploy/nginx/park-portal.conf) routes to the device server exactly the paths it answers
itself (apps.terminals.server.PATHS), and ``make run`` serves the whole portal through it."""

import re

from tests.resolution.test_nginx_routing import DEPLOYED, ROOT


def test_nginx_routes_the_device_api_to_the_device_server():
    from apps.terminals import server

    deployed = DEPLOYED.read_text()
    (pattern,) = re.findall(r'location ~ "([^"]+)" \{\s*proxy_pass http://park_terminals;', deployed)
    paths = [
        "/api/terminals/challenge",
        "/api/terminals/token",
        "/api/terminals/report",
        "/api/terminals/reports",
        "/api/terminals/",
        "/api/v1/terminals/terminals/",
        "/terminals/",
        "/api/handles/88.101.alpha/x",
    ]
    routed = [path for path in paths if re.match(pattern, path)]
    assert routed == sorted(server.PATHS, key=paths.index) == paths[:3]
    unit = (ROOT / "deploy" / "systemd" / "park-portal-terminals.service").read_text()
    assert "apps.terminals.server:app" in unit and "--port 8002" in unit
    assert "server 127.0.0.1:8002;" in deployed


def test_make_run_serves_through_the_device_server():
    devserver = (ROOT / "park_portal" / "devserver.py").read_text()
    assert '"apps.terminals.server:app"' in devserver

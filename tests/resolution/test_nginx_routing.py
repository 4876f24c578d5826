"""deploy/nginx/park-portal.conf is a configuration nginx accepts (``nginx -t``), and it routes to
the resolution server exactly the paths the resolution server answers itself."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.sync.node import free_port

ROOT = Path(__file__).resolve().parent.parent.parent
DEPLOYED = ROOT / "deploy" / "nginx" / "park-portal.conf"
# django_db only so the session fixtures find their test database when this file runs alone.
pytestmark = pytest.mark.django_db
NGINX = shutil.which("nginx") or next(
    (path for path in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(path).exists()), None
)


def runnable_config(tmp_path: Path) -> Path:
    """The deployed file inside an ``http`` block, as the benchmark runs nginx: the paths nginx
    writes (pid, logs, temp files) and the certificate in ``tmp_path``, unprivileged ports."""
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=park.example.cn",
         "-keyout", str(tmp_path / "privkey.pem"), "-out", str(tmp_path / "fullchain.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    deployed = DEPLOYED.read_text().replace("/etc/ssl/park-portal/", f"{tmp_path}/")
    deployed = re.sub(r"listen 80;", f"listen 127.0.0.1:{free_port()};", deployed)
    deployed = re.sub(r"listen 443 ", f"listen 127.0.0.1:{free_port()} ", deployed)
    temp = "\n".join(
        f"    {kind}_temp_path {tmp_path}/nginx-{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log warn;\nevents {{}}\n"
        f"http {{\n    access_log off;\n{temp}\n{deployed}\n}}\n"
    )
    return conf


@pytest.mark.skipif(NGINX is None, reason="nginx is not installed")
@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")
def test_nginx_accepts_the_deployed_config(tmp_path):
    conf = runnable_config(tmp_path)
    result = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(conf)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_nginx_routes_the_paths_the_resolution_server_answers():
    from apps.resolution import server

    deployed = DEPLOYED.read_text()
    (pattern,) = re.findall(r'location ~ "([^"]+)" \{\s*proxy_pass http://park_resolution;', deployed)
    assert re.search(r"location /api/handles/ \{\s*proxy_pass http://park_resolution;", deployed)
    paths = [
        "/88.101.alpha/Lamp-1",
        "/88.101.alpha/a/b.c",
        "/88.101/x",
        "/static/app.css",
        "/identifiers/",
        "/identityv2/data/detail",
        "/2fa.setup/",  # a digit and a dot: the resolution server's catch-all too
        "/admin/",
    ]
    served = ["/88.101.alpha/Lamp-1", "/88.101.alpha/a/b.c", "/88.101/x", "/2fa.setup/"]
    # both sides agreeing is not enough: a pattern matching nothing would agree too
    assert [path for path in paths if re.match(pattern, path)] == served
    for path in paths:
        assert bool(re.match(pattern, path)) == bool(server.HANDLE_PAGE.match(path)), path

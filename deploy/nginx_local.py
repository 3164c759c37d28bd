"""Run deploy/nginx.conf unchanged but for root, port and paths: for tests, benchmarks, previews.

    python deploy/nginx_local.py site/ [--port 8080]   # foreground; Ctrl-C stops it

The site file is wrapped in a minimal main config whose pid, logs and temp files live in a
private folder, so no root privileges are needed (as root, workers stay root to read tmp dirs).
It loads Debian's brotli modules, which the site file uses (scripts/setup --browser installs them).
"""

from __future__ import annotations

import argparse
import grp
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

SITE_CONF = Path(__file__).resolve().parent / "nginx.conf"
NGINX = "/usr/sbin/nginx"
MIME_TYPES = "/etc/nginx/mime.types"
# Debian's libnginx-mod-http-brotli-filter and -static: `brotli` and `brotli_static`.
MODULES = (
    "/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so",
    "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so",
)
# Lines of deploy/nginx.conf replaced for a local run; each must occur exactly once.
LISTEN, LISTEN6, ROOT = "listen 80;", "listen [::]:80;", "root /srv/hdh-explainer/site;"

MAIN_CONF = """\
{modules}{user}worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include {mime_types};
    default_type application/octet-stream;
    access_log {work}/access.log;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    include {work}/site.conf;
}}
"""


def local_site_conf(conf: str, site: Path, port: int) -> str:
    """Point the deploy config at `site` on 127.0.0.1:`port` (IPv4 only)."""
    for line in (LISTEN, LISTEN6, ROOT):
        if conf.count(line) != 1:
            raise ValueError(f"{SITE_CONF}: expected the line '{line}' exactly once")
    conf = conf.replace(LISTEN, f"listen 127.0.0.1:{port};").replace(LISTEN6, "")
    return conf.replace(ROOT, f"root {site.resolve()};")


def write_config(site: Path, port: int, work: Path, site_conf: Path = SITE_CONF) -> Path:
    """Write the main config and the localised site config into `work`; return the main one.

    `site_conf`: another server block in deploy/nginx.conf's shape (benchmarks compare hosts).
    """
    missing = [module for module in MODULES if not Path(module).is_file()]
    if missing:
        raise RuntimeError(
            f"nginx modules missing: {', '.join(missing)}; install Debian's "
            "libnginx-mod-http-brotli-static and libnginx-mod-http-brotli-filter "
            "(scripts/setup --browser, as root)"
        )
    modules = "".join(f"load_module {module};\n" for module in MODULES)
    user = ""
    if os.geteuid() == 0:  # nginx would drop workers to 'nobody', who can't read pytest's tmp
        user = f"user {pwd.getpwuid(os.geteuid()).pw_name} {grp.getgrgid(os.getegid()).gr_name};\n"
    local = local_site_conf(site_conf.read_text(encoding="utf-8"), site, port)
    (work / "site.conf").write_text(local, encoding="utf-8")
    main = work / "nginx.conf"
    text = MAIN_CONF.format(modules=modules, user=user, work=work, mime_types=MIME_TYPES)
    main.write_text(text, encoding="utf-8")
    return main


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(
    site: Path, work: Path, port: int | None = None, site_conf: Path = SITE_CONF
) -> tuple[subprocess.Popen, str]:
    """Start nginx in the foreground on `site`; return (process, base URL) once it answers."""
    nginx = shutil.which("nginx") or NGINX
    port = port or free_port()
    main = write_config(site, port, work, site_conf)
    command = [
        nginx,
        "-p",
        f"{work}/",
        "-c",
        str(main),
        "-e",
        f"{work}/error.log",
        "-g",
        "daemon off;",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_until_answering(process, port, work)
    except BaseException:  # Ctrl-C or a failed start: never leave an nginx behind
        stop(process)
        raise
    return process, f"http://127.0.0.1:{port}/"


def wait_until_answering(process: subprocess.Popen, port: int, work: Path) -> None:
    """Return once nginx accepts connections on `port`; raise if it exits or takes over 10 s."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log_file = work / "error.log"
            log = log_file.read_text(errors="replace") if log_file.exists() else ""
            stderr = process.stderr.read().decode(errors="replace")
            raise RuntimeError(f"nginx exited ({process.returncode}): {stderr}{log}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nginx did not answer on 127.0.0.1:{port} within 10 s")


def stop(process: subprocess.Popen) -> None:
    """Stop the nginx started by `start` (its master takes the workers down)."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def main() -> None:
    """Serve a built site with the deploy config until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="the built site folder, e.g. site/")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hdh-nginx-") as work:
        process, url = start(args.site, Path(work), args.port)
        try:
            print(f"nginx serving {args.site} at {url} (Ctrl-C stops it)", flush=True)
            process.wait()
        except KeyboardInterrupt:
            pass
        finally:
            stop(process)


if __name__ == "__main__":
    main()

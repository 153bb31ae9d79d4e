rm -rf /srv/diff-params
dpkg -P fleet-diff-deb >/dev/null 2>&1 || true

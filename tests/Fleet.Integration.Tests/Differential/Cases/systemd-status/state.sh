cat /opt/diff-systemd-status 2>/dev/null

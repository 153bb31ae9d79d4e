rm -f /opt/diff-systemd-status

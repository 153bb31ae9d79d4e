cat /srv/diff-placement 2>/dev/null || echo absent

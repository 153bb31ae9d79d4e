rm -f /srv/diff-placement

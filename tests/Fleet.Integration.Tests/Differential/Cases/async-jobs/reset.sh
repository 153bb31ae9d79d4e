rm -rf /srv/diff-async

rm -rf /srv/diff-archive

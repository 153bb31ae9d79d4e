rm -rf /srv/diff-keywords

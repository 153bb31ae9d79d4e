find /srv/diff-roles -printf '%p %m %u %g %s %y\n' | sort
cd /srv/diff-roles && for f in $(find . -type f | sort); do echo "== $f"; cat "$f"; done

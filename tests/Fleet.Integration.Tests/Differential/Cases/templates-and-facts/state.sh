find /srv/diff-templates -printf '%p %m %u %g %s %y\n' | sort
cd /srv/diff-templates && for f in $(find . -type f | sort); do echo "== $f"; cat "$f"; done

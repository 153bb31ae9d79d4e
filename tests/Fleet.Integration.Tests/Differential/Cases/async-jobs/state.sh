find /srv/diff-async -printf '%p %m %u %g %s %y\n' | sort
cd /srv/diff-async && for f in $(find . -type f | sort); do echo "== $f"; cat "$f"; done

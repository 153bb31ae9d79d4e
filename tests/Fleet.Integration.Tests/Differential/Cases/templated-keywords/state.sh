find /srv/diff-keywords -printf '%p %m %u %g %s %y\n' | sort
cd /srv/diff-keywords && for f in $(find . -type f | sort); do echo "== $f"; cat "$f"; done

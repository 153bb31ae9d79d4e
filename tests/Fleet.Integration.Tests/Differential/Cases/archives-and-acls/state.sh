find /srv/diff-archive/out /srv/diff-archive/shared -printf '%p %m %u %g %y\n' | sort
cd /srv/diff-archive/out && for f in $(find . -type f | sort); do echo "== $f"; cat "$f"; done
getfacl --absolute-names /srv/diff-archive/shared

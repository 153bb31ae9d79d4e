find /srv/diff-params -path /srv/diff-params/pkg -prune -o -printf '%p %m %u %g %y %l\n' | grep -v '~ ' | sort
echo "== backups: $(ls /srv/diff-params | grep -c '~$')"
cd /srv/diff-params && for f in $(find . -path ./pkg -prune -o -type f -print | grep -v -e '~$' -e '\.deb$' | sort); do echo "== $f"; cat "$f"; done
for b in /srv/diff-params/*~; do [ -f "$b" ] && { echo "== backup of ${b%%.[0-9]*}"; cat "$b"; }; done
dpkg-query -W -f='${Package} ${Version} ${db:Status-Status}\n' fleet-diff-deb 2>/dev/null || echo "fleet-diff-deb not installed"

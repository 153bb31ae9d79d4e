find /srv/diff-copy -printf '%p %m %u %g %y %s\n' | sort
cd /srv/diff-copy && for f in $(find . -type f | sort); do echo "== $f"; cat "$f"; done
echo "== /etc/sysctl.conf"; grep -v '^#' /etc/sysctl.conf | grep -v '^$' || true
sysctl net.ipv4.conf.all.log_martians

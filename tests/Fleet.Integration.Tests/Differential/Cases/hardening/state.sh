for p in /srv/diff /etc/sysctl.d/99-diff.conf; do [ -e "$p" ] && find "$p" -printf '%p %m %u %g %s %y\n'; done | sort
find /srv/diff -type f -exec md5sum {} + 2>/dev/null | sort -k2
[ -f /etc/sysctl.d/99-diff.conf ] && md5sum /etc/sysctl.d/99-diff.conf
for k in net.ipv4.conf.all.accept_redirects net.ipv4.conf.all.send_redirects net.ipv4.conf.default.accept_source_route net.ipv4.icmp_echo_ignore_broadcasts net.ipv4.conf.all.log_martians; do printf '%s=%s\n' "$k" "$(sysctl -n "$k")"; done
true

rm -rf /srv/diff /etc/sysctl.d/99-diff.conf
sysctl -qw net.ipv4.conf.all.accept_redirects=1 net.ipv4.conf.all.send_redirects=1 net.ipv4.conf.all.log_martians=0

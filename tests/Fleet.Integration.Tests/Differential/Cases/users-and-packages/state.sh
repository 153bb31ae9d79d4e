getent passwd diffuser diffdaemon diffgone; getent group diffops diffsvc diffgone; id diffuser
find /home/diffuser /srv/diff-users -printf '%p %m %u %g %s %y %l\n' 2>/dev/null | sort
md5sum /home/diffuser/.ssh/authorized_keys /srv/diff-users/app.conf 2>/dev/null; cat /srv/diff-users/app.conf 2>/dev/null
dpkg-query -W -f '${Package} ${Status}\n' debsums libfile-fnmatch-perl 2>&1; apt-mark showmanual debsums libfile-fnmatch-perl
crontab -l 2>/dev/null | grep -B1 diff-cron; cat /etc/cron.d/diff 2>/dev/null; stat -c '%a %U' /etc/cron.d/diff 2>/dev/null
sysctl -n net.ipv4.conf.default.rp_filter; cat /etc/sysctl.d/98-diff-users.conf 2>/dev/null
service cron status

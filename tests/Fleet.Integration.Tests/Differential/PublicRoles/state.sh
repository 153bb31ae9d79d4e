# A host's state after a public role, printed the same way on both twins; only what legitimately differs between two hosts is left out.
export LC_ALL=C
echo '# files under /etc: path type mode owner group link sha256'
# Left out: per-host identity (name, address, machine id, SSH host keys) and the dynamic linker's cache (it records a rebuild's
# inode order, not a setting); the shadow files' salted hashes are compared below without the salt.
skip='^/etc/(hostname|hosts|machine-id|ssh/ssh_host_[^ ]*|ld\.so\.cache) '
# pamd stamps the file it edits with the time ("# Updated by Ansible - 2026-12-03T13:50:43.759624"): hashed without the time.
# A backup copy's name holds the time it was made (Ansible's also the module's PID: PATH.PID.YYYY-MM-DD@HH:MM:SS~; Fleet's is
# PATH.YYYYMMDDHHMMSS.bak): listed as PATH.BACKUP.
find /etc -xdev -type f ! -name 'shadow*' ! -name 'gshadow*' -exec sha256sum {} + | awk '{ print $2, substr($1, 1, 16) }' > /tmp/.fleet-diff-sums
grep -rlx '# Updated by Ansible - [0-9T:.-]*' /etc 2>/dev/null | while read -r f; do
  printf '%s %s\n' "$f" "$(sed 's/^\(# Updated by Ansible - \)[0-9T:.-]*$/\1TIME/' "$f" | sha256sum | cut -c1-16)"
done >> /tmp/.fleet-diff-sums
find /etc -xdev -printf '%p %y %m %u %g %l\n' | grep -Ev "$skip" | awk 'NR == FNR { sum[$1] = $2; next } { print $0, ($1 in sum ? sum[$1] : "-") }' /tmp/.fleet-diff-sums - \
  | sed -E 's/^([^ ]*)\.([0-9]+\.[0-9]{4}-[0-9]{2}-[0-9]{2}@[0-9]{2}:[0-9]{2}:[0-9]{2}~|[0-9]{14}\.bak) /\1.BACKUP /' | sort
rm -f /tmp/.fleet-diff-sums
echo '# shadow without salted hashes: user, has-password, aging fields'
awk -F: '{ printf "%s %s %s:%s:%s:%s:%s:%s\n", $1, ($2 ~ /^\$/ ? "hash" : $2), $4, $5, $6, $7, $8, $9 }' /etc/shadow | sort
awk -F: '{ printf "gshadow %s %s %s %s\n", $1, ($2 ~ /^\$/ ? "hash" : $2), $3, $4 }' /etc/gshadow | sort
echo '# users and groups'
getent passwd | sort
getent group | sort
echo '# packages: name version status'
dpkg-query -W -f '${Package} ${Version} ${db:Status-Abbrev}\n' | sort
echo '# running programs (this script and its session left out)'
ps -e -o comm= | grep -Ev '^(ps|sh|bash|sort|uniq|grep|sshd|sleep)$' | sort | uniq -c
echo '# live values of the keys the sysctl files set'
cat /etc/sysctl.conf /etc/sysctl.d/*.conf 2>/dev/null | sed -n 's/^[[:space:]]*\([a-z][a-z0-9_.]*\)[[:space:]]*=.*/\1/p' | sort -u | while read -r k; do
  printf '%s=%s\n' "$k" "$(sysctl -n "$k" 2>&1 | tr '\t' ' ')"
done
echo '# set-user and set-group programs outside /etc'
find / -xdev \( -path /proc -o -path /tmp -o -path /var/tmp \) -prune -o -type f -perm /6000 -printf '%p %m %u %g\n' 2>/dev/null | sort
echo '# modes of the home and log directories'
stat -c '%n %a %U %G' /root /home /home/* /var/log /tmp 2>/dev/null | sort

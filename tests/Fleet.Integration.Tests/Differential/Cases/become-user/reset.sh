command -v sudo >/dev/null || apt-get install -y -qq sudo >/dev/null 2>&1
userdel -r diffbecome >/dev/null 2>&1
rm -rf /home/diffbecome
groupdel diffbecomegrp >/dev/null 2>&1

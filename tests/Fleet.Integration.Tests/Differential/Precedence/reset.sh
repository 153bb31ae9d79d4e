rm -f /tmp/fleet-precedence.txt /tmp/fleet-precedence-magic.txt

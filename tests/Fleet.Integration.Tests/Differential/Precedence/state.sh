cat /tmp/fleet-precedence.txt /tmp/fleet-precedence-magic.txt 2>&1

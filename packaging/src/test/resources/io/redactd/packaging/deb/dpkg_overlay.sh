#!/bin/sh
# Installs, upgrades, removes and purges a .deb with the real dpkg and the package's real maintainer scripts,
# inside a throwaway copy-on-write view of this Debian system (overlayfs over /, in a private mount namespace,
# so nothing reaches the host), and prints what each step left behind.
# Usage, as root: unshare --mount --fork sh dpkg_overlay.sh PACKAGE.deb EMPTY_DIR
# (EMPTY_DIR only carries a tmpfs inside the private namespace; it stays empty on the host.)
set -eu
deb=$1
ovl=$2
mount -t tmpfs tmpfs "$ovl"
mkdir "$ovl/upper" "$ovl/work" "$ovl/root"
mount -t overlay overlay -o "lowerdir=/,upperdir=$ovl/upper,workdir=$ovl/work" "$ovl/root"
mount --bind /proc "$ovl/root/proc"
mount --bind /dev "$ovl/root/dev"
cp "$deb" "$ovl/root/tmp/package.deb"
in_root() { chroot "$ovl/root" /bin/sh -c "$1"; }
# man-db's trigger rebuilds the whole manual index, slowly; it is not under test.
rm -f "$ovl/root/var/lib/man-db/auto-update"

echo "== install"
in_root 'dpkg -i /tmp/package.deb >/dev/null'
in_root 'echo "user: $(getent passwd redactd | cut -d: -f1,6,7)"
         echo "groups: $(id -nG redactd)"
         echo "config: $(stat -c "%U:%G %a" /etc/redactd/redactd.yaml)"
         echo "enabled: $(systemctl is-enabled redactd 2>&1)"'

echo "== upgrade"
in_root 'echo "# local edit" >> /etc/redactd/redactd.yaml && dpkg -i /tmp/package.deb >/dev/null'
in_root 'echo "config kept: $(tail -n 1 /etc/redactd/redactd.yaml)"
         echo "config: $(stat -c "%U:%G %a" /etc/redactd/redactd.yaml)"'

echo "== remove"
in_root 'mkdir -p /var/lib/redactd && touch /var/lib/redactd/checkpoints && dpkg -r redactd >/dev/null
         echo "state after remove: $(ls /var/lib/redactd)"
         echo "config after remove: $(ls /etc/redactd)"
         echo "binary after remove: $(ls /usr/bin/redactd 2>/dev/null || echo gone)"'

echo "== purge"
in_root 'dpkg --purge redactd >/dev/null
         echo "state after purge: $(ls -d /var/lib/redactd 2>/dev/null || echo gone)"
         echo "config after purge: $(ls -d /etc/redactd 2>/dev/null || echo gone)"
         echo "user after purge: $(getent passwd redactd | cut -d: -f1)"'

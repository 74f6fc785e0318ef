#!/bin/sh
# Makes this controller boot straight into the wall (packaging/README.md "Kiosk"), as root:
#   /usr/share/opswall/kiosk/setup-kiosk.sh          set it up
#   /usr/share/opswall/kiosk/setup-kiosk.sh --undo   give tty1 its login prompt back
# - no desktop: the default target is multi-user.target, a display manager is disabled;
# - no login prompt on the wall's terminal, ever: getty@tty1 is masked (opswall.service owns
#   tty1 and draws through KMS; when the wall restarts the screen stays black);
# - the kernel's console never blanks and shows no cursor (consoleblank=0,
#   vt.global_cursor_default=0 on the kernel command line, as well as the tmpfiles.d entry);
# - opswall.service is enabled.
set -eu
if [ "$(id -u)" != 0 ]; then
    echo "setup-kiosk.sh: run it as root" >&2
    exit 2
fi
params="consoleblank=0 vt.global_cursor_default=0"
if [ "${1:-}" = "--undo" ]; then
    systemctl unmask getty@tty1.service
    systemctl disable opswall.service
    echo "tty1 has its login prompt back after a reboot; opswall.service is disabled"
    exit 0
fi
systemctl set-default multi-user.target
if systemctl list-unit-files display-manager.service >/dev/null 2>&1; then
    systemctl disable display-manager.service 2>/dev/null || true
fi
systemctl mask getty@tty1.service
systemctl enable opswall.service
if [ -f /etc/default/grub ]; then
    if ! grep -q "consoleblank=0" /etc/default/grub; then
        sed -i "s/^GRUB_CMDLINE_LINUX_DEFAULT=\"\(.*\)\"/GRUB_CMDLINE_LINUX_DEFAULT=\"\1 $params\"/" \
            /etc/default/grub
        if command -v update-grub >/dev/null; then
            update-grub
        fi
    fi
else
    echo "no /etc/default/grub: add '$params' to the kernel command line yourself"
fi
echo "the controller boots into the wall; reboot, or: systemctl start opswall"

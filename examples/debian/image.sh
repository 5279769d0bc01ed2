# Debian 12 (bookworm), minimal, with systemd and networkd, built by debootstrap.

img_name=debian-bookworm.tar.zst

suite=bookworm
mirror=http://deb.debian.org/debian
admin_user="admin"

postinstall_files_src=(files/hostname files/sources.list files/20-wired.network)
postinstall_files_dst=(etc/hostname etc/apt/sources.list etc/systemd/network/20-wired.network)

do_install()
{
    debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,iproute2 \
        "$suite" "$img_dir" "$mirror"
    # debootstrap copies the build host's DNS settings; the container manager provides them.
    # (do_postinstall sees the host's file mounted over this one, so it goes here.)
    rm -f "$img_dir/etc/resolv.conf"
}

do_postinstall()
{
    systemctl enable systemd-networkd
    useradd --create-home --shell /bin/bash "$admin_user"

    # What an image should not ship (makeimg's report checks these):
    # downloaded packages and package lists,
    apt-get clean
    rm -rf /var/lib/apt/lists/*
    # a machine id (systemd creates one at each instance's first boot),
    : > /etc/machine-id
    ln -sf /etc/machine-id /var/lib/dbus/machine-id
    # and the build's logs.
    find /var/log -type f -name '*.log' -exec truncate -s 0 {} +
}

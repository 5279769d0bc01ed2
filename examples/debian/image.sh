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
}

do_postinstall()
{
    systemctl enable systemd-networkd
    useradd --create-home --shell /bin/bash "$admin_user"
    apt-get clean
}

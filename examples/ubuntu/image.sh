# Ubuntu 24.04 (noble), minimal, built by debootstrap with Ubuntu's keyring.

img_name=ubuntu-noble.tar.zst

suite=noble
mirror=http://archive.ubuntu.com/ubuntu
keyring=/usr/share/keyrings/ubuntu-archive-keyring.gpg

postinstall_files_src=(files/hostname files/sources.list)
postinstall_files_dst=(etc/hostname etc/apt/sources.list)

do_install()
{
    debootstrap --variant=minbase --keyring="$keyring" \
        --components=main,universe --include=systemd,systemd-sysv,dbus \
        "$suite" "$img_dir" "$mirror"
}

do_postinstall()
{
    systemctl enable systemd-networkd
    apt-get clean
}

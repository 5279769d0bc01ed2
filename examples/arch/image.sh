# Arch Linux base system, built by pacstrap (arch-install-scripts).

img_name=arch.tar.zst

packages=(base)

postinstall_files_src=(files/mirrorlist files/hostname)
postinstall_files_dst=(etc/pacman.d/mirrorlist etc/hostname)

do_install()
{
    # -c: use the host's package cache; -K: a fresh pacman keyring in the image.
    pacstrap -c -K "$img_dir" "${packages[@]}"
}

do_postinstall()
{
    systemctl enable systemd-networkd systemd-resolved
    pacman -Scc --noconfirm
}

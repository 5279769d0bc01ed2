# Fedora 41 minimal system, installed with dnf --installroot.

img_name=fedora-41.tar.xz

releasever=41
packages=(systemd passwd dnf fedora-release vim-minimal)

postinstall_files_src=(files/hostname)
postinstall_files_dst=(etc/hostname)

do_install()
{
    dnf --installroot="$img_dir" --releasever="$releasever" \
        --setopt=install_weak_deps=False --assumeyes \
        install "${packages[@]}"
}

do_postinstall()
{
    systemctl enable systemd-networkd
    dnf clean all
}

# Alpine Linux 3.20, installed with apk (apk-tools or apk.static on any host).

img_name=alpine-3.20.tar.gz

mirror=https://dl-cdn.alpinelinux.org/alpine
branch=v3.20
# bash is required: do_postinstall runs with /bin/bash inside the image.
packages=(alpine-base bash)

preinstall_files_src=(files/repositories)
preinstall_files_dst=(etc/apk/repositories)

do_install()
{
    local apk
    apk=$(command -v apk.static || command -v apk)
    "$apk" --arch x86_64 --root "$img_dir" --initdb --allow-untrusted \
        --repository "$mirror/$branch/main" --update-cache \
        add "${packages[@]}"
}

do_postinstall()
{
    rc-update add networking boot
    echo alpine > /etc/hostname
}

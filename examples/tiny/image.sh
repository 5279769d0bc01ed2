# A tiny rootfs assembled from the host's own files: bash, a few tools and the
# shared libraries they link to. It builds in seconds without a network, so
# makeimg's own tests use it, and do_postinstall really runs inside it.

img_name=tiny.tar.gz

preinstall_files_src=(files/motd)
preinstall_files_dst=(etc/motd)

postinstall_files_src=(files/os-release)
postinstall_files_dst=(usr/lib/os-release)

# Top-level settings are visible to do_postinstall as well.
image_user=tiny
image_uid=1000

# Copy a host program and every shared library it links to, at the same paths.
copy_program()
{
    local program=$1 library
    install -D -m 0755 "$program" "$img_dir$program"
    for library in $(ldd "$program" | grep -o '/[^ ]*'); do
        install -D -m 0755 "$library" "$img_dir$library"
    done
}

# Runs inside the new rootfs in do_postinstall, where only bash builtins exist.
passwd_line()
{
    printf '%s:x:%s:%s::/home/%s:/bin/bash\n' "$1" "$2" "$2" "$1"
}

do_install()
{
    # A merged-/usr layout like current distributions.
    mkdir -p "$img_dir"/usr/{bin,lib,lib64} "$img_dir"/{etc,home,root,tmp,var}
    ln -s usr/bin "$img_dir/bin"
    ln -s usr/lib "$img_dir/lib"
    ln -s usr/lib64 "$img_dir/lib64"
    chmod 1777 "$img_dir/tmp"
    # Where os-release(5) says to look first: a link to the file postinstall_files puts in /usr/lib.
    ln -s ../usr/lib/os-release "$img_dir/etc/os-release"

    local program
    for program in /usr/bin/bash /usr/bin/cat /usr/bin/ls; do
        copy_program "$program"
    done
    ln -s bash "$img_dir/usr/bin/sh"

    # A home owned by the image's user (numeric owners survive archiving).
    install -d -m 0750 -o "$image_uid" -g "$image_uid" "$img_dir/home/$image_user"

    # What an archive has to keep: a hard link and a file capability.
    ln "$img_dir/etc/motd" "$img_dir/etc/issue"
    cp "$img_dir/usr/bin/bash" "$img_dir/usr/bin/bash-net"
    setcap cap_net_bind_service+ep "$img_dir/usr/bin/bash-net"
}

do_postinstall()
{
    echo "root:x:0:0:root:/root:/bin/bash" > /etc/passwd
    passwd_line "$image_user" "$image_uid" >> /etc/passwd
    printf 'root:x:0:\n%s:x:%s:\n' "$image_user" "$image_uid" > /etc/group
    echo "tiny" > /etc/hostname
}

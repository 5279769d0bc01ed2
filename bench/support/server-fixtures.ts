/** image.sh texts for the server benches: a typical ~40-line file and a generated 10,000-line one. */

export const TYPICAL_IMAGE_SH = `# Debian bookworm base image, built with debootstrap.
img_name=debian-bookworm.tar.zst

suite=bookworm
mirror=http://deb.debian.org/debian
packages=(systemd-sysv openssh-server sudo locales)

preinstall_files_src=(files/apt.conf)
preinstall_files_dst=(etc/apt/apt.conf.d/90local)

postinstall_files_src=(files/hostname files/sshd_config files/admin.sudoers)
postinstall_files_dst=(etc/hostname etc/ssh/sshd_config etc/sudoers.d/admin)

# Installs the base system into $img_dir.
do_install()
{
    local include
    include=$(IFS=,; echo "\${packages[*]}")
    debootstrap --variant=minbase --include="$include" "$suite" "$img_dir" "$mirror"
    rm -rf "$img_dir"/var/cache/apt/archives/*.deb
}

# Configures the system from inside the new rootfs.
do_postinstall()
{
    configure_locale
    systemctl enable ssh systemd-networkd
    useradd -m -G sudo admin
    apt-get clean
}

configure_locale()
{
    echo "en_US.UTF-8 UTF-8" > /etc/locale.gen
    locale-gen
    update-locale LANG=en_US.UTF-8
}
`;

/** A realistic long file: many documented helpers, arrays, conditionals and loops. */
export function largeImageSh(lines = 10_000): string {
  const parts = [TYPICAL_IMAGE_SH];
  let count = TYPICAL_IMAGE_SH.split('\n').length;
  for (let i = 0; count < lines; i++) {
    const block = `
# Helper ${i}: installs the files of component ${i}.
component_${i}()
{
    local target="$1/opt/component-${i}"
    mkdir -p "$target"
    for f in bin lib share; do
        if [ -d "files/${i}/$f" ]; then
            cp -a "files/${i}/$f" "$target/"
        fi
    done
    extra_${i}=(one "two words" three)
    echo "component ${i}: \${#extra_${i}[@]} extras" >> "$target/README"
}
`;
    parts.push(block);
    count += block.split('\n').length - 1;
  }
  return parts.join('');
}

/**
 * File capabilities: the `security.capability` xattr (struct vfs_cap_data,
 * linux/capability.h) in the text form `getcap` prints, e.g.
 * `cap_net_bind_service=ep`. A tar member's SCHILY.xattr and a directory
 * walk's getfattr give the same bytes, so both say the same thing.
 */

const NAMES = [
  'chown',
  'dac_override',
  'dac_read_search',
  'fowner',
  'fsetid',
  'kill',
  'setgid',
  'setuid',
  'setpcap',
  'linux_immutable',
  'net_bind_service',
  'net_broadcast',
  'net_admin',
  'net_raw',
  'ipc_lock',
  'ipc_owner',
  'sys_module',
  'sys_rawio',
  'sys_chroot',
  'sys_ptrace',
  'sys_pacct',
  'sys_admin',
  'sys_boot',
  'sys_nice',
  'sys_resource',
  'sys_time',
  'sys_tty_config',
  'mknod',
  'lease',
  'audit_write',
  'audit_control',
  'setfcap',
  'mac_override',
  'mac_admin',
  'syslog',
  'wake_alarm',
  'block_suspend',
  'audit_read',
  'perfmon',
  'bpf',
  'checkpoint_restore',
];

const REVISION_MASK = 0xff000000;
const FLAGS_EFFECTIVE = 0x000001;

function capName(bit: number): string {
  return bit < NAMES.length ? `cap_${NAMES[bit]}` : `cap_${bit}`;
}

/** `cap_a,cap_b=ep cap_c+i`-like text; `?` for bytes that are not a vfs_cap_data. */
export function formatCapabilities(raw: Uint8Array): string {
  if (raw.length < 4) return '?';
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const magic = view.getUint32(0, true);
  const revision = (magic & REVISION_MASK) >>> 24;
  const words = revision === 1 ? 1 : revision === 2 || revision === 3 ? 2 : 0;
  if (words === 0 || raw.length < 4 + words * 8) return '?';
  const effective = (magic & FLAGS_EFFECTIVE) !== 0;
  // Group the capabilities by their flag set, as getcap does.
  const byFlags = new Map<string, string[]>();
  for (let w = 0; w < words; w++) {
    const permitted = view.getUint32(4 + w * 8, true);
    const inheritable = view.getUint32(8 + w * 8, true);
    for (let b = 0; b < 32; b++) {
      const p = (permitted >>> b) & 1;
      const i = (inheritable >>> b) & 1;
      if (!p && !i) continue;
      const flags = `${effective ? 'e' : ''}${i ? 'i' : ''}${p ? 'p' : ''}`;
      const list = byFlags.get(flags) ?? [];
      list.push(capName(w * 32 + b));
      byFlags.set(flags, list);
    }
  }
  if (byFlags.size === 0) return '=';
  return [...byFlags].map(([flags, caps]) => `${caps.join(',')}=${flags}`).join(' ');
}

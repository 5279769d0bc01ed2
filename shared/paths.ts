import { join } from 'node:path';

/** `~` and `~/x` in a setting or argument mean `home` (the invoking user's, not root's); other paths are unchanged. */
export function expandHome(p: string, home: string): string {
  if (p === '~') return home;
  if (p.startsWith('~/')) return join(home, p.slice(2));
  return p;
}

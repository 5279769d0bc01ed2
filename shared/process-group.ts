/**
 * Signals a whole process group: a child spawned with `detached: true` leads
 * its own group, and signalling the group also reaches what it started (a
 * wrapper script's children, the processes of a container).
 *
 * Returns false when there is no such group (never started, or already gone).
 */
export function signalProcessGroup(pid: number | undefined, signal: NodeJS.Signals): boolean {
  if (!pid) return false;
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Remote windows (issue 12 §5): the build notification's reveal action and
 * Open Settings in a local and a remote window (Remote-SSH, code-server), and
 * the settings the docs call machine settings are machine-scoped.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inWorkspace, machineSettingsCommand, REVEAL_EXPLORER, REVEAL_OS, revealActions } from '../src/build/remote-actions';

const ROOT = join(__dirname, '..', '..');

describe('remote windows: notification actions and machine settings', () => {
  const folders = ['/home/u/proj', '/srv/other'];

  it('reveals an image inside the workspace in the Explorer, local or remote', () => {
    for (const remote of [false, true]) assert.deepEqual(revealActions('/home/u/proj/img/x.tar.gz', folders, remote), [REVEAL_EXPLORER]);
  });

  it('offers the OS file manager for an image outside the workspace only in a local window', () => {
    assert.deepEqual(revealActions('/var/images/x.tar.gz', folders, false), [REVEAL_OS]);
    assert.deepEqual(revealActions('/var/images/x.tar.gz', folders, true), []);
    assert.equal(inWorkspace('/home/u/project2/x', folders), false, 'a sibling with the same prefix is outside');
    assert.equal(inWorkspace('/home/u/proj', folders), true);
  });

  it("opens the remote's settings in a remote window, where machine settings are read", () => {
    assert.equal(machineSettingsCommand(true), 'workbench.action.openRemoteSettings');
    assert.equal(machineSettingsCommand(false), 'workbench.action.openSettings');
  });

  it('the settings the Marketplace page calls machine settings are machine-scoped in package.json, and only those', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      contributes: { configuration: { properties: Record<string, { scope?: string }> } };
    };
    const machineScoped = Object.entries(pkg.contributes.configuration.properties)
      .filter(([, p]) => p.scope === 'machine' || p.scope === 'machine-overridable')
      .map(([key]) => key)
      .sort();
    const page = readFileSync(join(ROOT, 'MARKETPLACE.md'), 'utf8');
    const documented = [...page.matchAll(/^\| `(makeimg\.[\w.]+)` \|.*\(machine setting\) \|$/gm)].map((m) => m[1]).sort();
    assert.ok(machineScoped.length > 0);
    assert.deepEqual(documented, machineScoped);
  });
});

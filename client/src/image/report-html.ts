/**
 * The build report as an HTML page for a webview: size by directory as bars,
 * the largest files, special files and the hygiene findings with their fix.
 * Pure (no 'vscode'); everything from the report is escaped.
 */
import type { ImageReport, SizeShare } from '../../../shared/image-report';
import { formatBytes } from '../../../shared/units';

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Bar widths as CSS rules for the page's one nonce'd style element: the
 * webview's Content-Security-Policy (style-src 'nonce-...') ignores style
 * attributes, so a `style="width:..."` bar would be drawn at full width.
 */
class BarWidths {
  readonly rules: string[] = [];

  classFor(fraction: number): string {
    const name = `w${this.rules.length}`;
    this.rules.push(`.${name} { width: ${(Math.max(0, Math.min(1, fraction)) * 100).toFixed(1)}%; }`);
    return name;
  }
}

function bars(title: string, shares: SizeShare[], total: number, widths: BarWidths): string {
  if (shares.length === 0) return '';
  const max = Math.max(...shares.map((s) => s.bytes), 1);
  const rows = shares
    .map((s) => {
      const pct = total > 0 ? Math.round((s.bytes / total) * 100) : 0;
      return (
        `<tr><td class="path">${esc(s.path)}</td><td class="bar"><div class="${widths.classFor(s.bytes / max)}"></div></td>` +
        `<td class="num">${esc(formatBytes(s.bytes))}</td><td class="num">${pct}%</td><td class="num">${s.files} files</td></tr>`
      );
    })
    .join('');
  return `<h2>${esc(title)}</h2><table>${rows}</table>`;
}

function list(title: string, items: string[]): string {
  return (
    `<h2>${esc(title)} (${items.length})</h2>` +
    (items.length ? `<ul>${items.map((i) => `<li><code>${esc(i)}</code></li>`).join('')}</ul>` : '')
  );
}

export function reportHtml(imgPath: string, r: ImageReport, nonce: string): string {
  const findings = r.findings.length
    ? r.findings
        .map(
          (f) =>
            `<div class="finding"><b>${esc(f.code)}</b> ${esc(f.message)}<br><span class="why">${esc(f.why)}</span>` +
            `<br>fix in <code>${esc(f.hook)}</code>: <pre>${esc(f.fix)}</pre></div>`,
        )
        .join('')
    : '<p>No findings.</p>';
  const silenced = r.suppressed.length ? `<p class="why">Silenced: ${r.suppressed.map((s) => esc(s.code)).join(', ')}</p>` : '';
  const c = r.counts;
  const widths = new BarWidths();
  const sizes = [
    bars('Size by top-level directory', r.byTopDir, r.totalBytes, widths),
    bars('Size under /usr', r.byUsr, r.totalBytes, widths),
    bars('Size under /var', r.byVar, r.totalBytes, widths),
  ].join('\n');
  return `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}';">
<style nonce="${nonce}">
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); }
table { border-collapse: collapse; width: 100%; } td { padding: 1px 6px; }
td.path { white-space: nowrap; } td.num { text-align: right; white-space: nowrap; }
td.bar { width: 50%; } td.bar div { height: 0.8em; background: var(--vscode-charts-blue, #3794ff); }
.finding { margin: 0.6em 0; } .why { opacity: 0.8; } pre { margin: 0.2em 0; }
${widths.rules.join('\n')}
</style></head><body>
<h1>${esc(imgPath)}</h1>
<p>${esc(formatBytes(r.totalBytes))} in ${c.files} files, ${c.directories} directories, ${c.symlinks} symlinks, ${c.devices} device nodes</p>
<h2>Hygiene findings (${r.findings.length})</h2>${findings}${silenced}
${sizes}
${list(
  'Largest files',
  r.largest.map((f) => `${formatBytes(f.bytes)}  ${f.path}`),
)}
${list(
  'setuid files',
  r.setuid.map((f) => `${f.mode} ${f.uid}:${f.gid} ${f.path}`),
)}
${list(
  'setgid files',
  r.setgid.map((f) => `${f.mode} ${f.uid}:${f.gid} ${f.path}`),
)}
${list(
  'File capabilities',
  r.capabilities.map((f) => `${f.path} ${f.capabilities ?? ''}`),
)}
${list(
  'Device nodes',
  r.devices.map((d) => `${d.kind} ${d.major},${d.minor} ${d.path}`),
)}
${list(
  'Owners the image does not name',
  r.unknownOwners.map((o) => `${o.kind} ${o.id}: ${o.entries} entries (${o.examples.join(', ')})`),
)}
</body></html>`;
}

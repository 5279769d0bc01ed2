/**
 * When a document is analysed after an edit (pure logic; the clock is given).
 *
 * The first edit after a quiet period is analysed at once (on the next tick,
 * which still coalesces the didChange notifications that arrived together):
 * the first keystroke after a pause gets its diagnostics as fast as the
 * analysis allows. During a burst of edits, a document is analysed at most
 * once per interval derived from what its analyses typically cost; the last
 * edit of the burst is analysed when its interval ends (trailing edge), so a
 * fast typist does not queue analyses that the next keystroke makes useless,
 * and never waits longer than one interval after the last keystroke.
 *
 * A fixed delay (`initializationOptions.diagnosticsDelay`) replaces this with
 * a plain quiet time after the last edit.
 */

/** An analysis cheaper than this (ms) is run on the next tick after every edit. */
export const CHEAP_ANALYSIS_MS = 8;
/** The longest derived interval (ms): even a huge document shows its diagnostics this soon after typing stops. */
export const MAX_DERIVED_DELAY_MS = 400;
/** How many recent analyses after edits say what a document typically costs. */
export const COST_SAMPLES = 5;

/** The shortest time between two analyses of a document whose analyses typically take `costMs` (undefined: not measured yet). */
export function analysisIntervalFor(costMs: number | undefined): number {
  if (costMs === undefined || costMs < CHEAP_ANALYSIS_MS) return 0;
  return Math.min(Math.ceil(costMs), MAX_DERIVED_DELAY_MS);
}

/**
 * What a document's analysis after an edit typically costs: the median of
 * its last COST_SAMPLES (undefined before the first). One slow analysis, such
 * as a keystroke that broke the syntax and regrouped the rest of the file,
 * does not slow the keystrokes after it.
 */
export function typicalCost(samples: readonly number[]): number | undefined {
  if (samples.length === 0) return undefined;
  const recent = samples.slice(-COST_SAMPLES).sort((a, b) => a - b);
  return recent[(recent.length - 1) >> 1];
}

/**
 * The wait before analysing an edit made at `now`, when the document's last
 * analysis started at `lastStart` (undefined: never) and analyses may start
 * at most once per `intervalMs`: 0 (at once) after a quiet period, else until
 * the interval since the last start ends. Scheduling again for a later edit
 * of the same burst gives the same start time, so the burst is analysed once
 * per interval, not pushed back by each keystroke.
 */
export function throttledDelay(now: number, lastStart: number | undefined, intervalMs: number): number {
  if (lastStart === undefined || intervalMs <= 0) return 0;
  return Math.max(0, Math.ceil(lastStart + intervalMs - now));
}

/** Per document: the cost of its recent analyses after edits and when its last analysis started. */
export class DiagnosticsPacing {
  private readonly costs = new Map<string, number[]>();
  private readonly lastStarts = new Map<string, number>();

  constructor(
    /** A fixed quiet time after the last edit (ms) instead of the derived pacing. */
    private readonly fixedDelayMs: number | undefined,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** How long to wait before analysing `uri` after an edit made now (0: on the next tick). */
  delayAfterEdit(uri: string): number {
    if (this.fixedDelayMs !== undefined) return this.fixedDelayMs;
    const interval = analysisIntervalFor(typicalCost(this.costs.get(uri) ?? []));
    return throttledDelay(this.clock(), this.lastStarts.get(uri), interval);
  }

  /** An analysis of `uri` starts now (after an edit, an open, a save or a settings change). */
  started(uri: string): void {
    this.lastStarts.set(uri, this.clock());
  }

  /** An analysis of `uri` after an edit took `ms` (an open's full parse is not typical and is not counted). */
  measured(uri: string, ms: number): void {
    const costs = this.costs.get(uri) ?? [];
    costs.push(ms);
    this.costs.set(uri, costs.slice(-COST_SAMPLES));
  }

  forget(uri: string): void {
    this.costs.delete(uri);
    this.lastStarts.delete(uri);
  }
}

/**
 * Live figures of a running scan, for a progress display: the scan keeps them up to date, the
 * display reads them whenever it redraws. Nothing here writes anywhere or changes the scan.
 */

/** What one target's run tells as it goes (after discovery, after each rule). */
export interface TargetFigures {
  pagesCrawled: number;
  findings: number;
  rulesDone: number;
  rules: number;
}

export interface ScanProgress {
  /** The target being scanned (after its own redirect, the origin it went to). */
  target: string;
  /** Its position in the scan, from 1, and how many targets there are. */
  targetNumber: number;
  targets: number;
  /** Discovery (calibration, crawl, fingerprints) until the rules start. */
  phase: 'discovery' | 'rules';
  /** Pages of this target: live during the crawl, the crawl's exact count after it. */
  pagesCrawled: number;
  /** Requests sent so far in the whole scan, retries and redirect hops included. */
  requests: number;
  /** Findings so far in the whole scan. */
  findings: number;
  rulesDone: number;
  rules: number;
}

/** The part of a transport the tracker reads. */
interface CountingTransport {
  stats(): { requestsSent: number; crawlPages: number };
}

export class ProgressTracker {
  private finishedTargets = 0;
  private earlierRequests = 0;
  private earlierFindings = 0;
  private current: { target: string; transport: CountingTransport; figures?: TargetFigures } | undefined;

  constructor(private readonly targets: number) {}

  /** A target starts, or goes on with a new transport (its own redirect was followed). */
  transportFor(target: string, transport: CountingTransport): void {
    if (this.current !== undefined) this.earlierRequests += this.current.transport.stats().requestsSent;
    this.current = { target, transport };
  }

  update(figures: TargetFigures): void {
    if (this.current !== undefined) this.current.figures = figures;
  }

  targetDone(): void {
    if (this.current === undefined) return;
    this.earlierRequests += this.current.transport.stats().requestsSent;
    this.earlierFindings += this.current.figures?.findings ?? 0;
    this.current = undefined;
    this.finishedTargets += 1;
  }

  read(): ScanProgress | undefined {
    const current = this.current;
    if (current === undefined) return undefined;
    const stats = current.transport.stats();
    const figures = current.figures;
    return {
      target: current.target,
      targetNumber: this.finishedTargets + 1,
      targets: this.targets,
      phase: figures === undefined ? 'discovery' : 'rules',
      pagesCrawled: figures?.pagesCrawled ?? stats.crawlPages,
      requests: this.earlierRequests + stats.requestsSent,
      findings: this.earlierFindings + (figures?.findings ?? 0),
      rulesDone: figures?.rulesDone ?? 0,
      rules: figures?.rules ?? 0,
    };
  }
}

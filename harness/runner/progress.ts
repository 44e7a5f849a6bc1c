// The progress line while a run goes: elapsed (negative in the warm-up), achieved rate, success rate, active faults.
// On a terminal it rewrites one line; under CI or when piped it prints a plain line every few seconds.

export interface ProgressSample {
  elapsedS: number;
  durationS: number;
  sentLastSecond: number;
  successRate: number | null;
  activeFaults: string[];
}

export class Progress {
  private readonly tty: boolean;
  private lastPlain = -Infinity;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly plainEveryS = 5,
  ) {
    this.tty = Boolean(stream.isTTY) && !process.env.CI;
  }

  update(s: ProgressSample): void {
    const rate = s.successRate === null ? '   -  ' : `${(s.successRate * 100).toFixed(1).padStart(5)}%`;
    const phase = s.elapsedS < 0 ? ' warm-up' : '';
    const line = `[${String(Math.floor(s.elapsedS)).padStart(4)}s/${s.durationS}s]${phase} auth ${String(s.sentLastSecond).padStart(5)}/s  success ${rate}  faults: ${s.activeFaults.length ? s.activeFaults.join(', ') : 'none'}`;
    if (this.tty) {
      this.stream.write(`\r\x1b[2K${line}`);
    } else if (s.elapsedS - this.lastPlain >= this.plainEveryS) {
      this.lastPlain = s.elapsedS;
      this.stream.write(`${line}\n`);
    }
  }

  done(): void {
    if (this.tty) this.stream.write('\n');
  }
}

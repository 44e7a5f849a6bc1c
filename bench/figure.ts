// One benchmark figure: its value, its target in words, and whether it was met.
export interface Figure {
  /**
   * The measured value in `unit`. null when the value is infinite (e.g. a fault window that never took
   * effect makes the activation p99 infinite): JSON has no Infinity, and a miss must not read as 0.
   */
  value: number | null;
  target: string;
  met: boolean;
  unit: string;
  /** What exactly was measured, and why the target is what it is. */
  note?: string;
}

export type Figures = Record<string, Figure>;

/** A figure rounded to 3 decimals; a non-finite value is stored as null (infinite). */
export function figure(value: number, unit: string, target: string, met: boolean, note?: string): Figure {
  return { value: Number.isFinite(value) ? Math.round(value * 1000) / 1000 : null, unit, target, met, ...(note ? { note } : {}) };
}

/** A figure's value as a reader sees it: the number, or ∞ for an infinite one. */
export function formatValue(f: Figure): string {
  return f.value === null ? '∞' : String(f.value);
}

// One benchmark figure: its value, its target in words, and whether it was met.
export interface Figure {
  value: number;
  target: string;
  met: boolean;
  unit: string;
  note?: string;
}

export type Figures = Record<string, Figure>;

export function figure(value: number, unit: string, target: string, met: boolean, note?: string): Figure {
  return { value: Math.round(value * 1000) / 1000, unit, target, met, ...(note ? { note } : {}) };
}

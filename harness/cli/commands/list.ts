// `faultline list`: the scenario catalog with one-line descriptions.
import { catalogNames, loadScenario } from '../../scenario/load.ts';

export async function listCommand(out: (line: string) => void): Promise<number> {
  const names = await catalogNames();
  const rows: Array<[string, string, string]> = [];
  for (const name of names) {
    const { scenario } = await loadScenario(name);
    rows.push([name, `${scenario.traffic.duration_s}s, ${scenario.faults.length} fault${scenario.faults.length === 1 ? '' : 's'}`, scenario.description]);
  }
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  for (const [name, size, description] of rows) out(`${name.padEnd(w0)}  ${size.padEnd(w1)}  ${description}`);
  return 0;
}

// The bench's table as Markdown (bench.md, snapshot.md): the machine, one row per figure, then what was
// missed and each figure's note (what exactly it measures, why its target).
import { formatValue } from './figure.ts';
import type { BenchResult } from './result.ts';

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function benchMarkdown(r: BenchResult): string {
  const m = r.machine;
  const kind = r.quick ? 'quick run (`npm run bench -- --quick`, smaller sizes: not comparable with a full run)' : 'full run (`npm run bench`)';
  const lines = [
    `Measured ${r.at.slice(0, 10)} on ${m.cores} cores (${m.cpu}), ${m.memory_gib} GiB, Node ${m.node}: a ${kind} of ${r.sections.join(', ')} in ${r.seconds} s.`,
    '',
    '| figure | value | target | met |',
    '| --- | ---: | --- | :---: |',
  ];
  for (const [name, f] of Object.entries(r.figures)) lines.push(`| \`${name}\` | ${formatValue(f)} ${cell(f.unit)} | ${cell(f.target)} | ${f.met ? 'yes' : '**no**'} |`);
  for (const e of r.errors) lines.push(`| error | ${cell(e)} | | **no** |`);
  lines.push('');
  if (r.missed.length || r.errors.length) {
    lines.push('Missed:', '');
    for (const line of r.missed) lines.push(`- ${line}`);
    for (const e of r.errors) lines.push(`- section failed: ${e}`);
  } else {
    lines.push('Every target met.');
  }
  const notes = Object.entries(r.figures).filter(([, f]) => f.note);
  if (notes.length) {
    lines.push('', 'What each figure measures:', '');
    for (const [name, f] of notes) lines.push(`- \`${name}\`: ${f.note}`);
  }
  return lines.join('\n') + '\n';
}

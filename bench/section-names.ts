// The bench's sections, in the order `npm run bench` runs them (each in its own process: bench/section.ts).
export const SECTION_NAMES = ['proxy', 'load', 'pipeline', 'check', 'report'] as const;

export type SectionName = (typeof SECTION_NAMES)[number];

export function isSectionName(name: string): name is SectionName {
  return (SECTION_NAMES as readonly string[]).includes(name);
}

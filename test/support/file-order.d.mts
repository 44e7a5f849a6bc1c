/** The table's wall seconds by file (empty when the table is missing or unreadable). */
export function readFileTimes(tablePath: string): Map<string, number>;
/** `files` sorted longest first by `times` (unknown files at the median), then by name. */
export function longestFirst(files: readonly string[], times: ReadonlyMap<string, number>): string[];

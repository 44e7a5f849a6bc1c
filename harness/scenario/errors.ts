// A bad scenario, replay line or flag: exit 2 before any traffic, naming file, line and field.

export class ScenarioError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly problem: string,
    readonly line?: number,
  ) {
    super(`${file}${line ? `:${line}` : ''}: ${field ? `${field}: ` : ''}${problem}`);
  }
}

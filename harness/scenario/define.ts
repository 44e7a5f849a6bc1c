// defineScenario: the typed way to write a scenario in TypeScript. Validation happens at load time.
import type { ScenarioInput } from './schema.ts';

export function defineScenario(input: ScenarioInput): ScenarioInput {
  return input;
}

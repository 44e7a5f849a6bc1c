// Every load model by the name a scenario gives it (`traffic.model`, summary/types.ts LOAD_MODELS): one
// file per model, one line here. The runner asks this registry and never branches on a model's name.
import os from 'node:os';
import type { Scenario } from '../../scenario/schema.ts';
import type { LoadModelName } from '../../summary/types.ts';
import type { PlannedRequest } from '../requests/planned-request.ts';
import type { LoadModel } from './load-model.ts';
import { openModel } from './open-model.ts';
import { closedModel } from './closed-loop.ts';

const MODELS: Readonly<Record<LoadModelName, LoadModel>> = {
  open: openModel,
  closed: closedModel,
};

/** A load model that is not registered: a scenario built in code past the schema, or a model left unregistered. */
export class UnknownLoadModelError extends Error {
  override readonly name = 'UnknownLoadModelError';
}

export function loadModel(name: string): LoadModel {
  if (!Object.hasOwn(MODELS, name)) {
    throw new UnknownLoadModelError(`unknown load model "${name}"; the known ones: ${Object.keys(MODELS).join(', ')}`);
  }
  return MODELS[name as LoadModelName];
}

/**
 * Refuses, before anything starts, a load the scenario's model cannot drive on this machine (the open
 * model's arrival rate, or a replay's busiest second): an OfferedRateError (exit 2), never silently capped.
 */
export function checkOfferedRate(scenario: Scenario, replay?: Iterable<PlannedRequest> | null, cores = os.availableParallelism()): void {
  loadModel(scenario.traffic.model).checkOffered?.(scenario, replay ?? null, cores);
}

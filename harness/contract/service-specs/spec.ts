// What faultline publishes for each service (one file a service beside this one), and what they share:
// the `http-faults` admin routes, the lines every replacement must honour, the seed the apps are built with.
import type { FastifyInstance } from 'fastify';
import { HTTP_FAULTS, HTTP_FAULTS_PATH } from '../../../services/common/http-faults.ts';
import { ref, type ComponentName } from '../components.ts';
import { jsonResponse } from '../responses.ts';
import type { ContractService, HttpMethod, OpenAPIResponse, OpenAPITag, WatchStreamInfo } from '../types.ts';

/** A route as the document keys it: method and OpenAPI path template. */
export interface RouteKey {
  method: HttpMethod;
  path: string;
}

export interface ServiceSpec {
  service: ContractService;
  title: string;
  /** One line: what the service is. */
  summary: string;
  /** Markdown: who calls it, and what a replacement must serve beyond the schemas. */
  description: string;
  /** The largest request body the service takes (413 past it). */
  bodyLimit: number;
  healthPath: string;
  /** Tags other than `admin` and `health` (which every service has), with what they group. */
  tags: OpenAPITag[];
  tagOf(route: RouteKey): string;
  /** Registers the service's plugins on an app made by createApp(), as its process does. */
  register(app: FastifyInstance): Promise<void>;
  /**
   * Answers beyond the declared ones (and beyond 400/413/403, which every route gets from its shape); one given
   * here replaces the generated one of the same status, and null removes a status the route never answers.
   */
  responses(route: RouteKey): Record<string, OpenAPIResponse | null>;
  /** Fault kinds that need the route on a replacement. */
  neededFor(route: RouteKey): string[];
  /** A route a replacement may leave out (404 or 405): faultline's readers fall back without it. */
  optional?(route: RouteKey): boolean;
  watch?(route: RouteKey): WatchStreamInfo | undefined;
  /** Components the service's documented responses use (the ones they reference are added). */
  components: ComponentName[];
}

const HTTP_FAULT_KINDS = Object.keys(HTTP_FAULTS).map((name) => `http.${name}`);
/** The seed and account count every published app is built with. */
export const SEED = 1;
export const ACCOUNTS = 10;

export const is = (route: RouteKey, method: HttpMethod, path: string): boolean => route.method === method && route.path === path;

/** `/__admin/http-faults` and its named rules: needed on a replacement only for http.* faults. */
export function httpFaultsNeed(route: RouteKey): string[] {
  return route.path === HTTP_FAULTS_PATH || route.path.startsWith(`${HTTP_FAULTS_PATH}/`) ? HTTP_FAULT_KINDS : [];
}

export function httpFaultsResponses(route: RouteKey): Record<string, OpenAPIResponse> {
  if (httpFaultsNeed(route).length === 0) return {};
  return { '200': jsonResponse('The rules in force after the call, by name.', ref('HttpFaultRules')) };
}

/** What every replaceable service must serve, beyond its schemas. */
export const REPLACEMENT_COMMON = [
  '- `GET /health` answers 200 once the replica can serve requests: faultline waits for it before traffic and after every restart.',
  '- Bad input is answered 4xx with a JSON error body `{error, code, status}` naming the field, never 5xx, and writes nothing.',
  '- Operations tagged `admin` (`x-faultline-internal: true`) are faultline\'s own and may be left out. ' +
    '`/__admin/http-faults` is needed only to run `http.*` faults (abort, delay, fail-after-commit) on the replacement ' +
    '(`x-faultline-needed-for` lists the kinds); network and process faults need nothing from it.',
].join('\n');

/** For a service with an optional paged listing (`x-faultline-optional`). */
export const OPTIONAL_LISTING_LINE = [
  '- Operations marked `x-faultline-optional: true` (the paged listing of accounts or balances) may be left out: answer',
  '  them 404 or 405 and faultline reads the same data one account at a time. When served, they list every account.',
].join('\n');


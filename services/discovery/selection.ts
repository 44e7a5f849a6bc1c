// What one list, get or watch asks for: which resource, in which namespace (none: every namespace), which
// object by name (the path or `fieldSelector=metadata.name=X`), and which labels (`labelSelector`).
import { matchesLabels, parseLabelSelector, type LabelSelector } from './label-selector.ts';

/** The two views of the same endpoints the stub serves. */
export type DiscoveryResource = 'endpoints' | 'endpointslices';

export interface Selection {
  resource: DiscoveryResource;
  /** Absent: every namespace (the cluster-wide slice list). */
  namespace?: string;
  name?: string;
  labels: LabelSelector;
}

export const RESOURCE_GROUP: Readonly<Record<DiscoveryResource, string | undefined>> = { endpoints: undefined, endpointslices: 'discovery.k8s.io' };

/** Endpoints carry no labels here (the stub has no Service to copy them from). */
const NO_LABELS: Readonly<Record<string, string>> = Object.freeze({});

export function selects(selection: Selection, namespace: string, name: string, labels: Readonly<Record<string, string>> = NO_LABELS): boolean {
  if (selection.namespace !== undefined && selection.namespace !== namespace) return false;
  if (selection.name !== undefined && selection.name !== name) return false;
  return selection.labels.length === 0 || matchesLabels(selection.labels, labels);
}

export interface SelectionQuery {
  fieldSelector?: string;
  labelSelector?: string;
}

/**
 * Builds the selection of a request from its path and query; a string is a 400's message. Field selectors
 * take what Kubernetes supports on every resource: metadata.name and metadata.namespace, with = or ==.
 */
export function selectionOf(resource: DiscoveryResource, path: { namespace?: string; name?: string }, query: SelectionQuery): Selection | string {
  const fields: { namespace?: string; name?: string } = {};
  for (const term of (query.fieldSelector ?? '').split(',')) {
    const t = term.trim();
    if (!t) continue;
    if (t.includes('!=')) return `field selector "${t}": only = and == are supported`;
    const m = /^(metadata\.name|metadata\.namespace)==?(.*)$/.exec(t);
    if (!m) return `field label not supported: ${t.split('=')[0]}`;
    if (m[1] === 'metadata.name') fields.name = m[2];
    else fields.namespace = m[2];
  }
  if (path.namespace !== undefined && fields.namespace !== undefined && fields.namespace !== path.namespace) {
    return `fieldSelector namespace "${fields.namespace}" does not match the request's "${path.namespace}"`;
  }
  if (path.name !== undefined && fields.name !== undefined && fields.name !== path.name) {
    return `fieldSelector metadata.name "${fields.name}" does not match the name in the path "${path.name}"`;
  }
  const labels = parseLabelSelector(query.labelSelector);
  if (typeof labels === 'string') return labels;
  const selection: Selection = { resource, labels };
  const namespace = path.namespace ?? fields.namespace;
  const name = path.name ?? fields.name;
  if (namespace !== undefined) selection.namespace = namespace;
  if (name !== undefined) selection.name = name;
  return selection;
}

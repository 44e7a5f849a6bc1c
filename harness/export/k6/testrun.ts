// testrun.yaml: a k6-operator TestRun (k6.io/v1alpha1) that runs script.ts from a ConfigMap holding
// script.ts and requests.json, on `parallelism` runners. k6 splits the arrival rate and the VUs between
// the runners (execution segments), and the script picks its request by exec.scenario.iterationInTest,
// which is unique across runners, so each request is still sent once.
import { stringify } from 'yaml';

/** A ConfigMap holds at most 1 MiB (script.ts and requests.json together). */
export const CONFIGMAP_LIMIT_BYTES = 1_048_576;
/** k6-operator names its Jobs `<name>-initializer`, `<name>-starter`, `<name>-<n>`: Job names stop at 63. */
const MAX_NAME = 63 - '-initializer'.length;

export interface TestRunInput {
  scenario: string;
  seed: number;
  parallelism: number;
  baseUrl: string;
  feedUrl: string;
}

/** `faultline-<scenario>`, shortened to fit Kubernetes names (scenario names are already lower-case DNS labels). */
export function resourceName(scenario: string): string {
  return `faultline-${scenario}`.slice(0, MAX_NAME).replace(/-+$/, '');
}

export function configMapCommand(scenario: string): string {
  return `kubectl create configmap ${resourceName(scenario)} --from-file=script.ts --from-file=requests.json`;
}

export function renderTestRun(input: TestRunInput): string {
  const name = resourceName(input.scenario);
  const manifest = {
    apiVersion: 'k6.io/v1alpha1',
    kind: 'TestRun',
    metadata: { name, labels: { 'app.kubernetes.io/part-of': 'faultline', 'faultline-scenario': input.scenario.slice(0, 63).replace(/-+$/, '') } },
    spec: {
      parallelism: input.parallelism,
      script: { configMap: { name, file: 'script.ts' } },
      arguments: `--tag testid=${name}`,
      runner: {
        env: [
          { name: 'BASE_URL', value: input.baseUrl },
          { name: 'FEED_URL', value: input.feedUrl },
        ],
      },
    },
  };
  const comments = [
    `# k6-operator TestRun for the faultline scenario "${input.scenario}" (seed ${input.seed}), written by \`faultline export k6\`.`,
    '# In this folder, create the ConfigMap with the script and its requests, then apply this file:',
    `#   ${configMapCommand(input.scenario)}`,
    '#   kubectl apply -f testrun.yaml',
    '# BASE_URL is the card processor and FEED_URL the feed/balance API, as the runner pods reach them.',
    '# The runners need k6 >= 0.57 to run script.ts as TypeScript (0.52-0.56: add',
    '# --compatibility-mode=experimental_enhanced to spec.arguments; older: bundle it to JavaScript, see README.md).',
    `# Faults come from faultline: faultline faults ${input.scenario} --toxiproxy <url>, started with the runners.`,
  ];
  return `${comments.join('\n')}\n${stringify(manifest, { lineWidth: 0 })}`;
}

// Environment variables a command reads that are not the variable of one of
// its flags: the Kubernetes conventions kubectl follows too. Declared here so
// that `--help` and the generated configuration reference
// (docs/configuration.md) list them from one place.

export interface AmbientVariable {
  readonly name: string;
  /** The commands that read it. */
  readonly commands: readonly string[];
  readonly description: string;
}

export const AMBIENT_ENVIRONMENT: readonly AmbientVariable[] = [
  {
    name: 'KUBECONFIG',
    commands: ['serve', 'doctor'],
    description:
      'kubeconfig files (a path list) used when --kubeconfig is not given, before ~/.kube/config; with one present, serve --source auto chooses Kubernetes. doctor reads it only with --context or --cluster',
  },
  {
    name: 'KUBERNETES_SERVICE_HOST',
    commands: ['serve', 'doctor'],
    description:
      'set by Kubernetes in every pod: with the service account token at /var/run/secrets/kubernetes.io/serviceaccount/token, the in-cluster configuration is used when no kubeconfig is found (and serve --source auto chooses Kubernetes)',
  },
];

/** The variables `command` reads, as a help section ('' when none). */
export function ambientEnvironmentHelp(command: string): string {
  const variables = AMBIENT_ENVIRONMENT.filter((v) => v.commands.includes(command));
  if (variables.length === 0) return '';
  return `\nAlso read from the environment:\n${variables.map((v) => `  ${v.name}: ${v.description}`).join('\n')}`;
}

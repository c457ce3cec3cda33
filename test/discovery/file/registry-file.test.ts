import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRegistryFile, RegistryFileError } from '../../../src/discovery/file/registry-file.js';
import { BUNDLED_REGISTRY_FILE } from '../../../src/cli/serve-command.js';

function problemsOf(text: string): readonly string[] {
  try {
    parseRegistryFile('reg.yaml', text);
  } catch (error) {
    if (error instanceof RegistryFileError) return error.problems;
    throw error;
  }
  throw new Error('expected the file to be rejected');
}

describe('parseRegistryFile', () => {
  it('parses the bundled example', () => {
    const specs = parseRegistryFile(BUNDLED_REGISTRY_FILE, readFileSync(BUNDLED_REGISTRY_FILE, 'utf8'));
    expect(specs.map((s) => `${s.name}.${s.namespace}`)).toEqual(['greeter.default', 'inventory.shop']);
    const inventory = specs[1]!;
    expect(inventory.ports[0]!.backends[1]).toEqual({ host: '::1', port: 50072, zone: 'zone-b' });
  });

  it('defaults the namespace, the port name and the backends', () => {
    expect(parseRegistryFile('f', 'services:\n  - name: a\n    ports:\n      - port: 80\n        backends: []\n')).toEqual([
      { name: 'a', namespace: 'default', ports: [{ name: '', port: 80, backends: [] }] },
    ]);
    expect(parseRegistryFile('f', 'services: []\n')).toEqual([]);
  });

  it('requires "services" and each port\'s "backends", so an empty or cut-short file withdraws nothing', () => {
    expect(problemsOf('')).toEqual(['reg.yaml: services: is required: the file is empty or has no "services" key (write "services: []" to serve no services)']);
    expect(problemsOf('services:\n  - name: a\n    ports:\n      - port: 80\n')).toEqual([
      'reg.yaml:4:9: services[0].ports[0].backends: is required: list the backends (write "backends: []" for a port that has none)',
    ]);
  });

  it('names the file, line, column, field and rule of a bad value', () => {
    const text = ['services:', '  - name: greeter', '    ports:', '      - port: 50051', '        backends:', '          - address: 127.10.0.1:8080', '            weight: 0', ''].join('\n');
    expect(problemsOf(text)).toEqual(['reg.yaml:7:21: services[0].ports[0].backends[0].weight: must be from 1 to 10000']);
  });

  it.each([
    ['services: {}', /1:11: services: must be a list of services/],
    ['services:\n  - name: Greeter\n    ports: [{port: 1, backends: []}]', /2:11: services\[0\]\.name: the service name "Greeter" is not valid/],
    ['services:\n  - name: a\n    ports: []', /3:12: services\[0\]\.ports: must list at least one port/],
    ['services:\n  - name: a\n    ports: [{port: 70000, backends: []}]', /services\[0\]\.ports\[0\]\.port: must be a port number from 1 to 65535/],
    ['services:\n  - name: a\n    ports: [{port: 1, name: GRPC}]', /ports\[0\]\.name: .*IANA service name/],
    ['services:\n  - name: a\n    ports: [{port: 1, backends: [{address: "127.10.0.1"}]}]', /address: "127.10.0.1" is not "host:port"/],
    ['services:\n  - name: a\n    ports: [{port: 1, backends: [{address: "bad_host:1"}]}]', /neither an IP address nor a valid host name/],
    ['services:\n  - name: a\n    ports: [{port: 1, backends: [{address: "127.10.0.1:0"}]}]', /port in "127.10.0.1:0" must be a number from 1 to 65535/],
    // Addresses are read as grpc-js reads them (splitHostPort): a port name, or brackets around anything but IPv6, is not host:port.
    ['services:\n  - name: a\n    ports: [{port: 1, backends: [{address: "127.10.0.1:grpc"}]}]', /address: "127.10.0.1:grpc" is not "host:port"/],
    ['services:\n  - name: a\n    ports: [{port: 1, backends: [{address: "[127.10.0.1]:80"}]}]', /address: "\[127.10.0.1\]:80" is not "host:port"/],
    ['services:\n  - name: a\n    ports: [{port: 1, backends: [{address: "[::1]:70000"}]}]', /port in "\[::1\]:70000" must be a number from 1 to 65535/],
    ['services:\n  - name: a\n    colour: red\n    ports: [{port: 1, backends: []}]', /2:5: services\[0\]: unknown field "colour"/],
    ['services:\n  - name: a\n    ports: [{port: 1, backends: []}, {port: 2, backends: []}]', /must name each port/],
    ['services:\n  - name: a\n    ports: [{port: 1, backends: []}]\n  - name: a\n    ports: [{port: 2, backends: []}]', /4:11: services\[1\]\.name: service a\.default is already defined at services\[0\]/],
    ['services:\n  - name: a\n    ports: [{port: 1, backends: [{address: "[::1]:5"}, {address: "[::1]:5"}]}]', /backends\[1\]\.address: \[::1\]:5 is already listed at backends\[0\]/],
    ['services:\n  - name: a\n    ports: [{name: x, port: 1, backends: []}, {name: x, port: 2, backends: []}]', /ports\[1\]\.name: port name "x" is already used by ports\[0\]/],
    ['services:\n  - name: a\n    name: b\n    ports: [{port: 1, backends: []}]', /3:5: Map keys must be unique/],
    ['services: [', /reg\.yaml:1:\d+: /],
    ['- a\n- b', /\(top level\): the file must be a map with the key "services", and optionally "routes" and "referenceGrants"/],
  ])('rejects %j', (text, message) => {
    const problems = problemsOf(text);
    expect(problems.join('\n')).toMatch(message);
  });

  it('reads trafficDistribution and internalTrafficPolicy as Kubernetes spells them (PreferClose is PreferSameZone) and names the rule for another value', () => {
    const file = (key: string, value: string) => `services:\n  - name: a\n    ${key}: ${value}\n    ports:\n      - port: 80\n        backends: []\n`;
    expect(parseRegistryFile('f', file('trafficDistribution', 'PreferSameZone'))[0]!.trafficDistribution).toBe('PreferSameZone');
    expect(parseRegistryFile('f', file('trafficDistribution', 'PreferClose'))[0]!.trafficDistribution).toBe('PreferSameZone');
    expect(parseRegistryFile('f', file('trafficDistribution', 'PreferSameNode'))[0]!.trafficDistribution).toBe('PreferSameNode');
    expect(parseRegistryFile('f', file('internalTrafficPolicy', 'Local'))[0]!.internalTrafficPolicy).toBe('Local');
    expect(problemsOf(file('trafficDistribution', 'Nearby'))).toEqual([expect.stringMatching(/^reg.yaml:3:26: services\[0\]\.trafficDistribution: must be PreferSameZone \(or its older name PreferClose/)]);
    expect(problemsOf(file('internalTrafficPolicy', 'Node'))).toEqual([expect.stringMatching(/^reg.yaml:3:28: services\[0\]\.internalTrafficPolicy: must be Cluster \(every backend\) or Local/)]);
  });

  it('refuses a YAML alias bomb with the file, the first alias\'s line and the limit, not a raw ReferenceError', () => {
    const nine = (alias: string) => `[${Array(9).fill(alias).join(', ')}]`;
    const text = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]', `b: &b ${nine('*a')}`, `c: &c ${nine('*b')}`, `d: &d ${nine('*c')}`, 'services: [*d]', ''].join('\n');
    expect(problemsOf(text)).toEqual([
      'reg.yaml:2:8: the aliases (*name) expand past the limit of 100 copies of anchored values, which keeps a small file from taking unbounded memory; write the values out or use fewer aliases',
    ]);
  });

  it('lists every problem, not just the first', () => {
    const problems = problemsOf('services:\n  - name: A\n    ports: [{port: 0, backends: []}]\n');
    expect(problems).toHaveLength(2);
  });

  it('formats the error message with the file name and every problem', () => {
    expect(() => parseRegistryFile('/etc/lookaside/reg.yaml', 'services: 3')).toThrow(/^invalid registry file \/etc\/lookaside\/reg\.yaml:\n {2}\/etc\/lookaside\/reg\.yaml:1:11: services: must be a list/);
  });
});

// A NACK storm: a client that rejects every response while the registry
// keeps changing. The log gets the first NACK at warn with its error, then
// one summary per interval with the count and the last error (the interval
// runs on a clock the test advances); the NACK counter counts every one.

import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ControlPlane } from '../../src/control-plane.js';
import type { ServiceSpec } from '../../src/registry/snapshot.js';
import { NACK_SUMMARY_INTERVAL_MS } from '../../src/server/xds/nack-warnings.js';
import { capturedLogger, type CapturedLogger } from '../support/captured-logger.js';
import { ManualClock } from '../support/manual-clock.js';
import { ManualSource } from '../support/manual-source.js';
import { RawAdsClient, TYPES } from '../support/raw-ads-client.js';
import { waitFor } from '../support/wait-until.js';

const greeter = (hosts: number): ServiceSpec => ({
  name: 'greeter',
  namespace: 'app',
  ports: [{ name: 'grpc', port: 50051, backends: Array.from({ length: hosts }, (_, i) => ({ host: `10.0.0.${i + 1}`, port: 8080 })) }],
});
const STORM = 60;

let log: CapturedLogger;
let clock: ManualClock;
let controlPlane: ControlPlane;
let nacks = 0;

beforeAll(async () => {
  log = capturedLogger();
  clock = new ManualClock();
  controlPlane = await ControlPlane.start({
    logger: log.logger,
    host: '127.0.0.1',
    port: 0,
    metrics: { host: '127.0.0.1', port: 0 },
    clock,
    xdsHooks: { onNack: () => nacks++ },
    createSource: (registry) => {
      const source = new ManualSource(registry);
      source.sync([greeter(1)]);
      return source;
    },
  });
});
afterAll(() => controlPlane.stop(500));

async function nackedCount(): Promise<number> {
  const metrics = await (await fetch(`http://127.0.0.1:${controlPlane.metricsPort}/metrics`)).text();
  return Number(/lookaside_xds_responses_total\{type="cluster_load_assignment",answer="nacked"\} (\d+)/.exec(metrics)?.[1] ?? 0);
}

it(`logs a storm of ${STORM} NACKs from one stream as one warning and one summary per interval, and counts every NACK`, async () => {
  const stormLines = () => log.lines.filter((line) => line.node === 'storm' && line.level >= 40);
  const c = new RawAdsClient(`127.0.0.1:${controlPlane.port}`);
  try {
    c.send({ node: { id: 'storm', locality: {} }, type_url: TYPES.endpoints, resource_names: ['greeter.app:50051'] });
    let response = await c.next();
    for (let i = 1; i <= STORM; i++) {
      c.send({
        type_url: TYPES.endpoints,
        resource_names: ['greeter.app:50051'],
        version_info: '',
        response_nonce: response.nonce,
        error_detail: { code: status.INVALID_ARGUMENT, message: `cannot use assignment ${i}` },
      });
      // Once the NACK is in, a change is a new response, which the client rejects in turn.
      await waitFor('the NACK to arrive', () => nacks === i);
      controlPlane.registry.upsert(greeter(1 + (i % 2)));
      response = await c.next();
    }
    await expect.poll(nackedCount).toBe(STORM);
    // Within the interval: only the first NACK was logged at warn, with its error.
    expect(stormLines()).toHaveLength(1);
    expect(stormLines()[0]).toMatchObject({ error: 'cannot use assignment 1', type: 'cluster_load_assignment' });

    clock.advance(NACK_SUMMARY_INTERVAL_MS);
    expect(stormLines()).toHaveLength(2);
    expect(stormLines()[1]).toMatchObject({ nacks: STORM - 1, lastError: `cannot use assignment ${STORM}` });
    expect(stormLines()[1]!.msg).toMatch(new RegExp(`rejected \\(NACKed\\) ${STORM - 1} more responses.*last error: cannot use assignment ${STORM}`));

    // A quiet interval: no summary, and the storm is over; the next NACK is logged in full again.
    clock.advance(NACK_SUMMARY_INTERVAL_MS);
    expect(stormLines()).toHaveLength(2);
    c.send({ type_url: TYPES.endpoints, resource_names: ['greeter.app:50051'], version_info: '', response_nonce: response.nonce, error_detail: { code: status.INVALID_ARGUMENT, message: 'after the storm' } });
    await log.waitFor((line) => line.node === 'storm' && line.error === 'after the storm', 'the next NACK in full');
    expect(stormLines()).toHaveLength(3);
    expect(await nackedCount()).toBe(STORM + 1);
  } finally {
    c.close();
  }
});

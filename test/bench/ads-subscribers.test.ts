// The xDS benchmark's subscribers (bench/support/ads-subscribers.ts) stand
// for proxyless clients: the numbers mean something only if each one really
// receives every change, decodes it, and ACKs it (so the server sees an
// ordinary, well-behaved client), and if a broken stream is reported.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { openAdsSubscribers } from '../../bench/support/ads-subscribers.js';
import { ControlPlane } from '../../src/control-plane.js';
import { busyService } from '../support/busy-service.js';
import { ManualSource } from '../support/manual-source.js';
import { testLogger } from '../support/test-logger.js';
import { waitFor } from '../support/wait-until.js';

let controlPlane: ControlPlane;
let source: ManualSource;
const acks: string[] = [];
beforeAll(async () => {
  controlPlane = await ControlPlane.start({
    logger: testLogger(),
    host: '127.0.0.1',
    port: 0,
    createSource: (registry) => (source = new ManualSource(registry)),
    xdsHooks: { onAck: (type) => acks.push(type) },
  });
  source.sync([busyService(0)]);
});
afterAll(() => controlPlane.stop(200));

it('receives every change, ACKs each response, and reports a stream that breaks', async () => {
  const responses = [0, 0, 0];
  const errors: string[] = [];
  const subscribers = openAdsSubscribers({
    address: `127.0.0.1:${controlPlane.port}`,
    subscribers: 3,
    perChannel: 2,
    resource: 'busy.default:50051',
    onResponse: (i) => responses[i]!++,
    onError: (i, error) => errors.push(`${i}: ${error.message}`),
  });
  try {
    await waitFor('every subscriber has its first response', () => responses.every((n) => n === 1));
    await waitFor('the first responses are ACKed', () => acks.length === 3);
    for (let i = 1; i <= 5; i++) {
      controlPlane.registry.upsert(busyService(i));
      await waitFor(`change ${i} reaches every subscriber`, () => responses.every((n) => n === i + 1));
    }
    await waitFor('every response is ACKed', () => acks.length === 18);
    expect(errors).toEqual([]);
    await controlPlane.server.shutdown(200);
    await waitFor('the shutdown is reported', () => errors.length === 3);
    expect(errors[0]).toMatch(/UNAVAILABLE/);
  } finally {
    subscribers.close();
  }
});

/**
 * The signaling server and clients that stop reading, over real WebSockets on loopback: what
 * waits to be sent to one client is bounded, a client past the bound is dropped, and the
 * publisher and a client that reads carry on. Before the bound, every publish of the room was
 * held for each client that did not read (200 took the server from 55 MB to 2 GB in 15 s).
 */
import { describe, expect, it } from 'vitest';
import { roundTrip, signalingFixture, type SignalingClient } from '../helpers/signaling-client.ts';

const fixture = signalingFixture();
const { start, connect } = fixture;

const BOUND = 256 * 1024;
const PUBLISH = 60 * 1024;

/** A client that stops reading its socket once subscribed: the kernel's buffers fill, then ours. */
async function nonReader(url: string): Promise<SignalingClient> {
  const client = await connect(url);
  client.send({ type: 'subscribe', topics: ['room'] });
  await roundTrip(client);
  client.tcp.pause();
  return client;
}

describe('signaling bounds what waits for a client', () => {
  it('drops clients that do not read once past the bound; the others carry on', async () => {
    const { signalingUrl } = await start({ maxBufferedBytes: BOUND });
    const publisher = await connect(signalingUrl);
    const reader = await connect(signalingUrl);
    for (const c of [publisher, reader]) c.send({ type: 'subscribe', topics: ['room'] });
    await Promise.all([publisher, reader].map(roundTrip));
    const slow = await Promise.all([1, 2, 3, 4].map(() => nonReader(signalingUrl)));

    const data = 'x'.repeat(PUBLISH);
    const count = 300; // 18 MB to each receiver: past what loopback's kernel buffers take
    let mostBuffered = 0;
    for (let i = 0; i < count; i++) {
      publisher.send({ type: 'publish', topic: 'room', data, n: i });
      if (i % 10 === 9) {
        mostBuffered = Math.max(mostBuffered, fixture.signaling.buffered);
        await new Promise((done) => setTimeout(done, 5));
      }
    }
    let last: Record<string, unknown> = {};
    for (let i = 0; i < count; i++) last = await reader.next();
    expect(last).toMatchObject({ type: 'publish', clients: 2 }); // the non-readers are gone
    // Each of the six connections held at most the bound and one message more.
    expect(mostBuffered).toBeLessThanOrEqual(6 * (BOUND + PUBLISH + 64));
    expect(fixture.signaling.clients).toBeLessThanOrEqual(6);

    // A dropped client that reads again finds why, behind what was waiting for it.
    for (const client of slow) client.tcp.resume();
    for (const client of slow) {
      expect(await client.closed).toBe(1008);
      expect(await client.reason).toBe('reading too slowly');
    }
    await expect.poll(() => fixture.signaling.clients).toBe(2);
    publisher.send({ type: 'publish', topic: 'room', data: 'still here' });
    for (;;) if ((await reader.next()).data === 'still here') break;
  }, 30_000);
});

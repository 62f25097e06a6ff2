/**
 * The signaling server against messages built to crash it, over real WebSockets on loopback:
 * nesting deep enough to overflow the stack where anything recursive touches it, and a handler
 * fault we did not foresee. Each costs the sender its connection; the process and every other
 * client carry on.
 */
import { describe, expect, it } from 'vitest';
import { roundTrip, signalingFixture } from '../helpers/signaling-client.ts';

const fixture = signalingFixture();
const { start, connect } = fixture;

/** A publish whose data is `depth` arrays inside one another: 10 KB at 5,000. */
const deepPublish = (topic: string, depth: number): string =>
  `{"type":"publish","topic":"${topic}","data":${'['.repeat(depth)}${']'.repeat(depth)}}`;

/** Two honest clients in a room still reach each other through the server. */
async function honestPairTalks(url: string): Promise<void> {
  const [a, b] = await Promise.all([connect(url), connect(url)]);
  for (const c of [a, b]) c.send({ type: 'subscribe', topics: ['honest'] });
  await Promise.all([a, b].map(roundTrip));
  a.send({ type: 'publish', topic: 'honest', data: 'offer' });
  expect(await b.next()).toEqual({ type: 'publish', topic: 'honest', data: 'offer', clients: 2 });
}

describe('signaling survives messages built to crash it', () => {
  it('closes a client whose publish nests 5,000 or 20,000 deep, and serves an honest pair after', async () => {
    const { signalingUrl } = await start({});
    const listener = await connect(signalingUrl);
    listener.send({ type: 'subscribe', topics: ['t'] });
    await roundTrip(listener);
    for (const depth of [5_000, 20_000]) {
      const attacker = await connect(signalingUrl);
      attacker.send({ type: 'subscribe', topics: ['t'] });
      attacker.send(deepPublish('t', depth));
      expect(await attacker.closed, `${depth} deep`).toBe(1008);
      expect(await attacker.reason).toBe('nested too deep');
    }
    await roundTrip(listener);
    expect(listener.received).toEqual([]);
    await honestPairTalks(signalingUrl);
  });

  it('relays a message as deep as y-webrtc’s, and refuses one level more than the bound', async () => {
    const { signalingUrl } = await start({ maxDepth: 6 });
    const [a, b] = await Promise.all([connect(signalingUrl), connect(signalingUrl)]);
    for (const c of [a, b]) c.send({ type: 'subscribe', topics: ['t'] });
    await Promise.all([a, b].map(roundTrip));
    // An unencrypted y-webrtc candidate: message, data, signal, candidate (4 deep), with
    // brackets inside a string, which do not count.
    const data = { type: 'signal', signal: { candidate: { candidate: '[[[[[[[[{{{{' } } };
    a.send({ type: 'publish', topic: 't', data });
    expect(await b.next()).toEqual({ type: 'publish', topic: 't', data, clients: 2 });
    a.send(deepPublish('t', 6)); // 7 with the message itself
    expect(await a.closed).toBe(1008);
  });

  it('closes only the client whose handler failed, and logs one line a minute', async () => {
    const lines: string[] = [];
    // No depth bound, so serialising the relayed data overflows the stack inside the handler:
    // the guard, not the bound, is what keeps the process.
    const { signalingUrl } = await start({ maxDepth: Infinity }, (line) => lines.push(line));
    const listener = await connect(signalingUrl);
    listener.send({ type: 'subscribe', topics: ['t'] });
    await roundTrip(listener);
    for (let i = 0; i < 3; i++) {
      const attacker = await connect(signalingUrl);
      attacker.send({ type: 'subscribe', topics: ['t'] });
      attacker.send(deepPublish('t', 20_000));
      expect(await attacker.closed).toBe(1011);
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/closed a client whose message failed: RangeError/);
    await roundTrip(listener);
    await honestPairTalks(signalingUrl);
    expect(fixture.signaling.clients).toBe(3);
  });
});

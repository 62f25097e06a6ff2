/**
 * A signaling room that hostile clients try to fill, over real WebSockets on loopback: a
 * room's topic is derived from the public ledger id, so anyone may subscribe to it. One address
 * takes only a share of a room, a refused subscribe is answered (y-webrtc ignores the answer;
 * it does not break), and a place freed is taken by the next subscribe.
 */
import { describe, expect, it } from 'vitest';
import { roundTrip, signalingFixture, type SignalingClient } from '../helpers/signaling-client.ts';

const fixture = signalingFixture();
const { start, connect } = fixture;

type Subscribed = SignalingClient & { answer: Record<string, unknown>[] };

/** A client subscribed to `topic` from that address, with what the server answered. */
async function subscribed(url: string, topic: string, from?: string): Promise<Subscribed> {
  const client = await connect(url, from);
  client.send({ type: 'subscribe', topics: [topic] });
  return { ...client, answer: await roundTrip(client) };
}

describe('signaling rooms cannot be filled from one address', () => {
  it('takes a share of a room from one address, and the others still join', async () => {
    const { signalingUrl } = await start({ maxSubscribersPerTopicPerAddress: 4 });
    const attacker: Subscribed[] = [];
    for (let i = 0; i < 6; i++)
      attacker.push(await subscribed(signalingUrl, 'room', '198.51.100.7'));
    for (const client of attacker.slice(0, 4)) expect(client.answer).toEqual([]);
    for (const client of attacker.slice(4))
      expect(client.answer).toEqual([
        { type: 'subscribe-refused', topic: 'room', reason: 'room full for this address' },
      ]);
    // The same host by another IPv6 address of its /64 is the same address.
    const v6 = await subscribed(signalingUrl, 'room', '2001:db8:1:2::1');
    for (let i = 0; i < 4; i++) await subscribed(signalingUrl, 'room', `2001:db8:1:2::${i + 10}`);
    const v6Refused = await subscribed(signalingUrl, 'room', '2001:db8:1:2:ffff::1');
    expect(v6.answer).toEqual([]);
    expect(v6Refused.answer).toMatchObject([{ type: 'subscribe-refused' }]);

    const honest = await subscribed(signalingUrl, 'room', '203.0.113.5');
    expect(honest.answer).toEqual([]);
    honest.send({ type: 'publish', topic: 'room', data: 'announce' });
    expect(await attacker[0]?.next()).toMatchObject({ data: 'announce', clients: 4 + 4 + 1 });
  });

  it('answers a subscribe to a full room, and admits the next once a place is free', async () => {
    const { signalingUrl } = await start({
      maxSubscribersPerTopic: 4,
      maxSubscribersPerTopicPerAddress: 2,
    });
    const holders = [];
    for (const from of ['198.51.100.1', '198.51.100.1', '198.51.100.2', '198.51.100.2'])
      holders.push(await subscribed(signalingUrl, 'room', from));
    const late = await subscribed(signalingUrl, 'room', '203.0.113.5');
    expect(late.answer).toEqual([
      { type: 'subscribe-refused', topic: 'room', reason: 'room full' },
    ]);
    holders[0]?.socket.close();
    await holders[0]?.closed;
    late.send({ type: 'subscribe', topics: ['room'] });
    late.send({ type: 'publish', topic: 'room', data: 'in' });
    expect(await late.next()).toMatchObject({ type: 'publish', data: 'in', clients: 4 });
  });

  it('believes a forwarded address only from loopback, where a reverse proxy would be', async () => {
    // The server listens on loopback here, so every test client is "the proxy": what the
    // header says is its client. Two clients naming one address share its bound.
    const { signalingUrl } = await start({ maxSubscribersPerTopicPerAddress: 1 });
    const first = await subscribed(signalingUrl, 'room', '192.0.2.9, 198.51.100.3');
    const second = await subscribed(signalingUrl, 'room', '198.51.100.3');
    const other = await subscribed(signalingUrl, 'room', '198.51.100.4');
    expect(first.answer).toEqual([]);
    expect(second.answer).toMatchObject([{ type: 'subscribe-refused' }]);
    expect(other.answer).toEqual([]);
  });
});

/**
 * The watchdog that drops a WebRTC connection that never opens (src/sync/webrtc.ts): y-webrtc
 * keeps such a connection for good and ignores the peer's announcements meanwhile, so without
 * it two peers whose offers crossed would never connect. The end-to-end case (a peer that
 * announces and then never answers) is in tests/e2e/peers-webrtc.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { overdueConns } from '../../src/sync/webrtc.ts';

interface Conn {
  name: string;
  connected: boolean;
  deadline?: number | undefined;
}

const deadlineOf = (conn: Conn) => conn.deadline;

describe('overdueConns', () => {
  it('names the connections past their deadline that are still not open', () => {
    const conns: Conn[] = [
      { name: 'stuck', connected: false, deadline: 1000 },
      { name: 'open', connected: true, deadline: 1000 },
      { name: 'young', connected: false, deadline: 5000 },
      { name: 'unwatched', connected: false },
    ];
    expect(overdueConns(conns, deadlineOf, 1000).map((c) => c.name)).toEqual(['stuck']);
    expect(overdueConns(conns, deadlineOf, 999)).toEqual([]);
    expect(overdueConns(conns, deadlineOf, 5000).map((c) => c.name)).toEqual(['stuck', 'young']);
  });

  it('never names an open connection, and names every closed one once its time is up', () => {
    const conn = fc.record({
      name: fc.string(),
      connected: fc.boolean(),
      deadline: fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(conn), fc.integer({ min: 0, max: 100_000 }), (conns, now) => {
        const overdue = overdueConns(conns, deadlineOf, now);
        const expected = conns.filter(
          (c) => !c.connected && c.deadline !== undefined && c.deadline <= now,
        );
        expect(overdue).toEqual(expected);
      }),
    );
  });
});
